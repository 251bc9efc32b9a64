using Gatehouse.Providers;
using Gatehouse.Saml;
using Gatehouse.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Pages;

/// <summary>
/// Sign-out is a POST (antiforgery-checked) that ends the server-side session, not just the cookie. A session
/// that came from a SAML provider with a logout endpoint then goes on to the IdP (single logout): the local
/// session is revoked first, so an IdP that never answers cannot keep anyone signed in here.
/// </summary>
public sealed class LogoutModel(SessionService sessions, SessionCookie cookie, SsoFlows flows, SamlLogout samlLogout) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        (string Data, long? StrategyId)? sso = null;
        if (cookie.Read(HttpContext) is { Length: > 0 } token)
        {
            sso = await flows.ConsumeAsync<string>(CompleteSsoSignIn.SessionKind, token, ct);
            await sessions.RevokeAsync(sessions.ByToken(token), "signed_out", ct);
        }
        cookie.Clear(HttpContext);
        if (sso is { StrategyId: { } strategyId } && await samlLogout.StartAsync(HttpContext, strategyId, sso.Value.Data, ct) is { } idpLogout)
            return Redirect(idpLogout);
        return Redirect("/login?signed_out=1");
    }
}
