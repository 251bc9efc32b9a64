using Gatehouse.Audit;
using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.SsoEvents;

/// <summary>The site's sign-in and account audit trail, newest first, filtered by status and username.</summary>
public sealed class IndexModel(GatehouseDb db) : Microsoft.AspNetCore.Mvc.RazorPages.PageModel
{
    public static readonly string[] Statuses = ["success", "failure", "partial_failure"];

    [BindProperty(SupportsGet = true, Name = "status")] public string? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "username")] public string? Username { get; set; }
    [BindProperty(SupportsGet = true, Name = "before")] public long? Before { get; set; }
    public KeysetPage<SsoEvent> Events { get; private set; } = new([], null, false);

    public string? NextUrl => Events.HasNext && Events.Last is { } last
        ? QueryHelpers.AddQueryString("/admin/sso-events", new Dictionary<string, string?>
        {
            ["status"] = Status, ["username"] = Username, ["before"] = last.Id.ToString(),
        }.Where(kv => kv.Value is not null))
        : null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!Statuses.Contains(Status)) Status = null;
        Username = Display.Filter(Username);
        var query = db.SsoEvents.AsNoTracking();
        if (Status is not null) query = query.Where(e => e.Status == Status);
        if (Username is not null)
        {
            var u = Username.ToLowerInvariant();
            query = query.Where(e => e.Username != null && e.Username.ToLower().Contains(u));
        }
        if (Before is { } before) query = query.Where(e => e.Id < before);
        Events = await Keyset.ReadAsync(query.OrderByDescending(e => e.Id), ct);
    }
}
