using Gatehouse.Api;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.Providers;

public sealed record ProviderRow(long Id, string Label, string KindName, string Protocol, int Users, bool Enabled, bool Display, bool SignInAvailable);

/// <summary>The SSO Providers page: the table, the Enabled and Display toggles, and the button order.</summary>
public sealed class IndexModel(GatehouseDb db, ProtocolHandlers handlers, ProviderRules rules, CurrentSite site, SaveSsoStrategy save) : PageModel
{
    public List<ProviderRow> Rows { get; private set; } = [];
    public string Plan => site.Required.Plan;
    public int? MaxProviders => rules.Limits.Sso ? rules.Limits.MaxSsoProviders : 0;
    [TempData] public string? Message { get; set; }
    [TempData] public string? Error { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var rows = await db.SsoStrategies.OrderBy(s => s.SortOrder).ThenBy(s => s.Id)
            .Select(s => new { S = s, Users = db.Users.Count(u => u.SsoStrategyId == s.Id) }).ToListAsync(ct);
        Rows = rows.Select(r => new ProviderRow(r.S.Id, r.S.Label, ProviderKinds.Find(r.S.Provider)?.DisplayName ?? r.S.Provider,
            r.S.Protocol, r.Users, r.S.Enabled, r.S.DisplayOnLoginPage, handlers.For(r.S).SignInAvailable)).ToList();
    }

    public async Task<IActionResult> OnPostToggleAsync(long id, string field, CancellationToken ct)
    {
        var s = await db.SsoStrategies.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return NotFound();
        // Turning a provider off affects people: confirm on its page first (it says who and what).
        if (field == "enabled" && s.Enabled) return Redirect($"/admin/sso-providers/{id}?confirm=disable");
        if (field is not ("enabled" or "display_on_login_page")) return BadRequest();
        var current = field == "enabled" ? s.Enabled : s.DisplayOnLoginPage;
        var form = new FormCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { [field] = (!current).ToString() });
        var result = await save.HandleAsync(id, ApiInput.FromForm(form), User.Identity!.Name!, HttpContext, ct);
        if (result.Succeeded) Message = $"{s.Label}: {(field == "enabled" ? "enabled" : "display on login page")} {(!current ? "on" : "off")}.";
        else Error = result.Violation!.Message;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostMoveAsync(long id, string direction, CancellationToken ct)
    {
        var all = await db.SsoStrategies.OrderBy(s => s.SortOrder).ThenBy(s => s.Id).ToListAsync(ct);
        var i = all.FindIndex(s => s.Id == id);
        if (i < 0) return NotFound();
        var j = direction == "up" ? i - 1 : i + 1;
        if (j >= 0 && j < all.Count) (all[i], all[j]) = (all[j], all[i]);
        for (var k = 0; k < all.Count; k++) all[k].SortOrder = k;
        await db.SaveChangesAsync(ct);
        return RedirectToPage();
    }
}
