using Gatehouse.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Pages;

/// <summary>Sign-out is a POST (antiforgery-checked) that ends the server-side session, not just the cookie.</summary>
public sealed class LogoutModel(SessionService sessions, SessionCookie cookie) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (cookie.Read(HttpContext) is { Length: > 0 } token)
            await sessions.RevokeAsync(sessions.ByToken(token), "signed_out", ct);
        cookie.Clear(HttpContext);
        return Redirect("/login?signed_out=1");
    }
}
