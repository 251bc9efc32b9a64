using System.Text;

namespace Gatehouse.Api;

/// <summary>
/// Files.com cursor pagination: <c>per_page</c> (default 1000, max 10000) and an opaque <c>cursor</c>;
/// the next cursor goes out in the <c>X-Files-Cursor</c> header. Lists are keyset-paged on id, so a page
/// costs the same however deep it is.
/// </summary>
public sealed record ApiPage(int PerPage, long AfterId)
{
    public const int DefaultPerPage = 1000;
    public const int MaxPerPage = 10_000;

    public static ApiPage? From(ApiInput input, out IResult? error)
    {
        error = null;
        var perPage = input.Long("per_page", 1, MaxPerPage) ?? DefaultPerPage;
        var cursor = input.String("cursor", 200);
        long after = 0;
        if (!string.IsNullOrEmpty(cursor) && !TryDecode(cursor, out after))
        {
            error = ApiErrors.BadRequest("invalid-cursor", "The cursor is not valid; use the value of the X-Files-Cursor header of the previous page.");
            return null;
        }
        if (!input.IsValid) { error = ApiErrors.Invalid(input); return null; }
        return new ApiPage((int)perPage, after);
    }

    /// <summary>Takes one more row than asked to know whether a next page exists.</summary>
    public async Task<List<T>> ReadAsync<T>(IQueryable<T> orderedById, Func<T, long> id, HttpContext http, CancellationToken ct)
    {
        var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(orderedById.Take(PerPage + 1), ct);
        if (rows.Count > PerPage)
        {
            rows.RemoveAt(rows.Count - 1);
            http.Response.Headers["X-Files-Cursor"] = Encode(id(rows[^1]));
            http.Response.Headers["X-Files-Cursor-Next"] = Encode(id(rows[^1]));
        }
        return rows;
    }

    public static string Encode(long afterId) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes("after:" + afterId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string cursor, out long afterId)
    {
        afterId = 0;
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(b64));
            return text.StartsWith("after:") && long.TryParse(text[6..], out afterId) && afterId >= 0;
        }
        catch (FormatException) { return false; }
    }
}
