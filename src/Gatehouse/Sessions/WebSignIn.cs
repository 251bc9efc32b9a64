using Gatehouse.Accounts;
using Gatehouse.Persistence;

namespace Gatehouse.Sessions;

/// <summary>
/// Starts a browser session for a user who has proven who they are (password or SSO): a new server-side session
/// every time, the previous one revoked (no session fixation), the cookie written.
/// </summary>
public sealed class WebSignIn(GatehouseDb db, SessionService sessions, SessionCookie cookie, ILogger<WebSignIn> logger)
{
    /// <returns>The new session's token and expiry (an SSO sign-in keys its logout data to them).</returns>
    public async Task<(string Token, DateTime ExpiresAt)> StartAsync(HttpContext http, User user, string @interface, CancellationToken ct)
    {
        if (cookie.Read(http) is { Length: > 0 } old)
            await sessions.RevokeAsync(sessions.ByToken(old), "replaced_at_sign_in", ct);
        var (session, token) = sessions.Create(user, SessionService.WebKind, http);
        await db.SaveChangesAsync(ct);
        cookie.Write(http, token, session.ExpiresAt);
        SessionsLog.SignedIn(logger, user.Id, @interface);
        return (token, session.ExpiresAt);
    }
}
