using Gatehouse.Audit;
using Gatehouse.Pages;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Providers;

/// <summary>
/// <c>/sso/{id}/login</c>: the provider's <c>login_url</c>, which starts SP-initiated sign-in through its
/// protocol handler. A disabled provider refuses, with a page that says so and an audit event.
/// </summary>
public static class SsoSignInEndpoints
{
    public static void MapSsoSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sso/{id}/login", async (string id, string? return_to, HttpContext http, GatehouseDb db, ProtocolHandlers handlers, AuditLog audit, CancellationToken ct) =>
        {
            var s = long.TryParse(id, out var sid) ? await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid, ct) : null;
            if (s is null) return Page(404, "Sign-in provider not found", "This sign-in link does not match any provider of this site.");
            if (!s.Enabled)
            {
                audit.Add(SsoEventTypes.SsoLogin, false, "provider_disabled", $"Sign-in through \"{s.Label}\" refused: the provider is disabled.",
                    @interface: "web", http: http, provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id);
                await db.SaveChangesAsync(ct);
                return Page(403, "Sign-in unavailable", $"Signing in with {s.Label} is turned off for this site. Ask your site administrator.");
            }
            return await handlers.For(s).StartSignInAsync(http, s, SafeReturnPath.IsSafe(return_to) ? return_to : null, ct);
        }).ExcludeFromDescription();
    }

    public static IResult Page(int status, string title, string message) =>
        Results.Content(
            $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Enc(title)}</title><link rel=\"stylesheet\" href=\"/assets/site.css\"></head>" +
            $"<body><main><div class=\"card login\"><h1>{Enc(title)}</h1><p>{Enc(message)}</p><p><a href=\"/login\">Back to sign in</a></p></div></main></body></html>",
            "text/html; charset=utf-8", statusCode: status);

    private static string Enc(string s) => System.Net.WebUtility.HtmlEncode(s);
}
