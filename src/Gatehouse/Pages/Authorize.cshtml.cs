using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages;

/// <summary>
/// The one-time prompt of a first SSO sign-in (CONTRACT §3). The pending sign-in is server-side; this browser
/// holds its handle in a short-lived cookie, so a link sent to someone else leads nowhere (login CSRF).
/// </summary>
public sealed class AuthorizeModel(SsoFlows flows, CompleteSsoSignIn complete, GatehouseDb db, CurrentSite site) : PageModel
{
    public PendingAuthorization? Pending { get; private set; }
    public string ProviderLabel { get; private set; } = "";
    public string SiteName => site.Required.Subdomain;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var found = await flows.PeekAsync<PendingAuthorization>(CompleteSsoSignIn.AuthorizeKind, Request.Cookies[CompleteSsoSignIn.PendingCookie], ct);
        if (found is { } f)
        {
            Pending = f.Data;
            ProviderLabel = await db.SsoStrategies.Where(s => s.Id == f.Data.StrategyId).Select(s => s.Label).FirstOrDefaultAsync(ct) ?? "your provider";
        }
        return Page();
    }

    // Razor Pages handlers cannot return IResult; the shared completion returns one (it also serves minimal APIs).
    public async Task<IActionResult> OnPostAsync(CancellationToken ct) =>
        new HttpResultAction(await complete.AuthorizeAsync(HttpContext, Request.Cookies[CompleteSsoSignIn.PendingCookie], ct));

    private sealed class HttpResultAction(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        await flows.ConsumeAsync<PendingAuthorization>(CompleteSsoSignIn.AuthorizeKind, Request.Cookies[CompleteSsoSignIn.PendingCookie], ct);
        Response.Cookies.Delete(CompleteSsoSignIn.PendingCookie, new CookieOptions { Path = "/sso/authorize" });
        return Redirect("/login");
    }
}
