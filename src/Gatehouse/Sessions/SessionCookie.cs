using Gatehouse.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Sessions;

/// <summary>
/// The web session cookie: HttpOnly, SameSite=Lax, and on https Secure with the <c>__Host-</c> prefix so a
/// sibling subdomain (another site) cannot plant or overwrite it (cookie tossing).
/// </summary>
public sealed class SessionCookie(IOptions<GatehouseOptions> options)
{
    private const string PlainName = "gh_session";
    private const string HostName = "__Host-gh_session";

    private bool Secure(HttpContext http) => http.Request.IsHttps || options.Value.PublicScheme == "https";

    public string? Read(HttpContext http) =>
        http.Request.Cookies[Secure(http) ? HostName : PlainName];

    public void Write(HttpContext http, string token, DateTime expiresUtc)
    {
        var secure = Secure(http);
        http.Response.Cookies.Append(secure ? HostName : PlainName, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = secure,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            Expires = new DateTimeOffset(expiresUtc, TimeSpan.Zero),
            IsEssential = true,
        });
    }

    public void Clear(HttpContext http)
    {
        var secure = Secure(http);
        http.Response.Cookies.Delete(secure ? HostName : PlainName, new CookieOptions { Path = "/", Secure = secure, HttpOnly = true, SameSite = SameSiteMode.Lax });
    }
}
