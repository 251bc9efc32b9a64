using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.ApiKeys;

public sealed record ApiKeyRow(long Id, string Name, long UserId, string Username, string Label, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUseAt);

/// <summary>Every API key of the site (only labels: the keys themselves were shown once to their owners).</summary>
public sealed class IndexModel(GatehouseDb db) : FlashPageModel
{
    [BindProperty(SupportsGet = true, Name = "before")] public long? Before { get; set; }
    public KeysetPage<ApiKeyRow> Keys { get; private set; } = new([], null, false);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = db.ApiKeys.AsQueryable();
        if (Before is { } before) query = query.Where(k => k.Id < before);
        Keys = await Keyset.ReadAsync(query.OrderByDescending(k => k.Id)
            .Select(k => new ApiKeyRow(k.Id, k.Name, k.UserId, k.User.Username, k.DescriptiveLabel, k.CreatedAt, k.ExpiresAt, k.LastUseAt)), ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, string? return_to, CancellationToken ct)
    {
        var deleted = await db.ApiKeys.Where(k => k.Id == id).ExecuteDeleteAsync(ct);
        if (deleted == 0) Error = "That API key does not exist on this site.";
        else Message = "API key deleted. Requests with it are refused from now on.";
        return Redirect(Back(return_to, "/admin/api-keys"));
    }
}
