using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages;

public sealed record KeysetPage<T>(List<T> Rows, T? Last, bool HasNext);

/// <summary>
/// Keyset paging for the admin tables: the caller filters past the previous page's last key and orders;
/// one row more than the page is read to know whether a "Next page" link is needed. A deep page costs
/// the same as the first, which matters on sites with many thousands of users or events.
/// </summary>
public static class Keyset
{
    public const int PageSize = 50;

    public static async Task<KeysetPage<T>> ReadAsync<T>(IQueryable<T> ordered, CancellationToken ct, int size = PageSize)
    {
        var rows = await ordered.Take(size + 1).ToListAsync(ct);
        var hasNext = rows.Count > size;
        if (hasNext) rows.RemoveAt(size);
        return new KeysetPage<T>(rows, rows.Count > 0 ? rows[^1] : default, hasNext);
    }
}
