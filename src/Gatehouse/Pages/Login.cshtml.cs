using Gatehouse.Sessions;
using Gatehouse.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Pages;

/// <summary>
/// The site's sign-in page: username/password (CONTRACT §3) and, from the SSO capability, one button per provider.
/// Sign-in always starts a new session (the old one, if any, is revoked: no session fixation).
/// </summary>
public sealed class LoginModel(CurrentSite site, PasswordSignIn signIn, WebSignIn webSignIn, Persistence.GatehouseDb db) : PageModel
{
    [BindProperty(Name = "username")] public string? Username { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }
    [BindProperty(Name = "return_to", SupportsGet = true)] public string? ReturnTo { get; set; }
    public string? Error { get; private set; }
    public string? Notice { get; private set; }
    public string SiteName => site.Required.Subdomain;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SafeReturnPath.IsSafe(ReturnTo)) ReturnTo = null;
        if (Request.Query["use_sso"] == "1")
        {
            // Straight to the provider only when the choice is unambiguous (CONTRACT §3).
            var enabled = await db.SsoStrategies.Where(s => s.Enabled).OrderBy(s => s.Id).Select(s => s.Id).Take(2).ToListAsync(ct);
            if (enabled.Count == 1)
                return Redirect($"/sso/{enabled[0]}/login" + (ReturnTo is null ? "" : "?return_to=" + Uri.EscapeDataString(ReturnTo)));
            Notice = enabled.Count == 0
                ? "Single sign-on is not set up for this site. Sign in with your username and password."
                : "This site has several sign-in providers. Choose yours below.";
        }
        if (Request.Query.ContainsKey("signed_out")) Notice = "You are signed out.";
        if (Request.Query["reason"] == "session_ended") Notice = "Your session has ended. Please sign in again.";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!SafeReturnPath.IsSafe(ReturnTo)) ReturnTo = null;
        var result = await signIn.HandleAsync(new PasswordSignInRequest(Username, Password, "web"), HttpContext, ct);
        if (!result.Succeeded)
        {
            Error = PasswordSignIn.Describe(result.Failure);
            if (result.Failure == SignInFailure.LockedOut && result.LockoutExpires is { } until)
                Error += $" The lock ends at {until:yyyy-MM-dd HH:mm} UTC.";
            Response.StatusCode = result.Failure == SignInFailure.RateLimited ? 429 : 200;
            return Page();
        }

        await webSignIn.StartAsync(HttpContext, result.User!, "web", ct);
        return LocalRedirect(SafeReturnPath.Or(ReturnTo));
    }
}
