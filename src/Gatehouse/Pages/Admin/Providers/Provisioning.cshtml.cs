using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Provisioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Pages.Admin.Providers;

/// <summary>
/// A provider's SCIM side for the admin: the base URL to paste into the IdP (Entra's with <c>?aadOptscim062020</c>),
/// deactivation cycles the circuit breaker holds with an Approve button, and the recent request log (bodies already
/// redacted when logged; rows older than the retention are purged by <see cref="ScimLogPurge"/>).
/// </summary>
public sealed class ProvisioningModel(GatehouseDb db, ProtocolHandlers handlers, ScimCircuitBreaker breaker, ScimRequestLogQueue logQueue, IOptions<ScimOptions> options) : PageModel
{
    public const int Shown = 100;
    public SsoStrategy Strategy { get; private set; } = null!;
    public string ScimBaseUrl { get; private set; } = "";
    public TimeSpan Retention => options.Value.LogRetention;
    public List<ScimHold> Holds { get; private set; } = [];
    public List<ScimRequestLog> Logs { get; private set; } = [];
    [TempData] public string? Message { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return NotFound();
        Strategy = s;
        ScimBaseUrl = handlers.Endpoints(s, Request).ScimBaseUrl;
        await logQueue.FlushAsync(ct); // this node's rows still queued for the batched writer
        Holds = await db.Set<ScimHold>().Where(h => h.SsoStrategyId == id).OrderByDescending(h => h.Id).Take(20).ToListAsync(ct);
        Logs = await db.Set<ScimRequestLog>().Where(l => l.SsoStrategyId == id).OrderByDescending(l => l.Id).Take(Shown).ToListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(long id, CancellationToken ct)
    {
        var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return NotFound();
        var hold = await breaker.ApproveAsync(s, User.Identity!.Name!, HttpContext, ct);
        Message = hold is null ? "There is no held SCIM cycle to approve." : $"Approved: {s.Label} may now deactivate the {hold.HeldCount} held user(s); its retries will succeed.";
        return Redirect($"/admin/sso-providers/{id}/provisioning");
    }
}
