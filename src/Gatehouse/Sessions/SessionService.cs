using Gatehouse.Accounts;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Sessions;

/// <summary>Creates, looks up and revokes server-side sessions. All state is in the database, so any node can serve any session.</summary>
public sealed class SessionService(GatehouseDb db, TimeProvider time, IOptions<GatehouseOptions> options)
{
    public const string WebKind = "web";
    public const string ApiKind = "api";

    /// <summary>Starts a new session and returns its secret token. Callers save changes.</summary>
    public (UserSession Session, string Token) Create(User user, string kind, HttpContext? http)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var token = SessionTokens.New();
        var lifetime = kind == WebKind ? options.Value.SignIn.WebSessionLifetime : options.Value.SignIn.ApiSessionLifetime;
        var session = new UserSession
        {
            SiteId = user.SiteId,
            UserId = user.Id,
            TokenHash = SessionTokens.Hash(token),
            Kind = kind,
            Ip = http?.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http?.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 512)] : null,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + lifetime,
        };
        db.Sessions.Add(session);
        return (session, token);
    }

    /// <summary>The live session for a token on the current site, with its user; null when unknown, expired or revoked.</summary>
    public async Task<UserSession?> FindLiveAsync(string token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128) return null;
        var hash = SessionTokens.Hash(token);
        var now = time.GetUtcNow().UtcDateTime;
        var session = await db.Sessions.Include(s => s.User)
            .FirstOrDefaultAsync(s => s.TokenHash == hash && s.RevokedAt == null && s.ExpiresAt > now, ct);
        if (session is null || session.User.Disabled) return null;
        if (now - session.LastSeenAt > TimeSpan.FromMinutes(1))
            await db.Sessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
        return session;
    }

    public IQueryable<UserSession> ByToken(string token)
    {
        var hash = SessionTokens.Hash(token);
        return db.Sessions.Where(s => s.TokenHash == hash);
    }

    public async Task<int> RevokeAsync(IQueryable<UserSession> which, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await which.Where(s => s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.RevokedReason, reason), ct);
    }

    public Task<int> RevokeAllForUserAsync(long userId, string reason, CancellationToken ct) =>
        RevokeAsync(db.Sessions.Where(s => s.UserId == userId), reason, ct);
}
