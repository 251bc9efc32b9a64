using Gatehouse.Api;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Sessions;

/// <summary>A live session as an admin sees it; never the token.</summary>
public sealed record UserSessionJson(long Id, string Kind, string? Ip, string? UserAgent, DateTime CreatedAt, DateTime LastSeenAt, DateTime ExpiresAt);

/// <summary>
/// Gatehouse's own <c>/users/{id}/sessions</c>: a site admin sees a user's live sessions and ends one or all
/// of them (a lost laptop, a departing employee), effective on every node at once. Site admins only.
/// </summary>
public static class UserSessionsApi
{
    public static void MapUserSessionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/users/{id}/sessions", (string id, HttpContext http, GatehouseDb db, TimeProvider time, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            var (user, error) = await UserAsync(http, db, id, ct);
            if (error is not null) return error;
            var now = time.GetUtcNow().UtcDateTime;
            var rows = await db.Sessions.Where(s => s.UserId == user!.Id && s.RevokedAt == null && s.ExpiresAt > now)
                .OrderBy(s => s.Id)
                .Select(s => new UserSessionJson(s.Id, s.Kind, s.Ip, s.UserAgent, s.CreatedAt, s.LastSeenAt, s.ExpiresAt))
                .ToListAsync(ct);
            return Results.Json(rows, ApiJson.Options);
        })).WithName("ListUserSessions").WithSummary("List a user's live sessions");

        api.MapDelete("/users/{id}/sessions", (string id, HttpContext http, GatehouseDb db, SessionService sessions, AuditLog audit, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            var (user, error) = await UserAsync(http, db, id, ct);
            if (error is not null) return error;
            var ended = await sessions.RevokeAllForUserAsync(user!.Id, "ended_by_admin", ct);
            return await AuditedAsync(http, db, audit, user, ended, ct);
        })).WithName("EndUserSessions").WithSummary("End all of a user's sessions");

        api.MapDelete("/users/{id}/sessions/{session_id}", (string id, string session_id, HttpContext http, GatehouseDb db, SessionService sessions, AuditLog audit, TimeProvider time, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            var (user, error) = await UserAsync(http, db, id, ct);
            if (error is not null) return error;
            if (!long.TryParse(session_id, out var sessionId)) return ApiErrors.NotFound("session");
            var now = time.GetUtcNow().UtcDateTime;
            var ended = await sessions.RevokeAsync(db.Sessions.Where(s => s.Id == sessionId && s.UserId == user!.Id && s.ExpiresAt > now), "ended_by_admin", ct);
            return ended == 0 ? ApiErrors.NotFound("session") : await AuditedAsync(http, db, audit, user!, ended, ct);
        })).WithName("EndUserSession").WithSummary("End one of a user's sessions");
    }

    private static async Task<(Accounts.User? User, IResult? Error)> UserAsync(HttpContext http, GatehouseDb db, string id, CancellationToken ct)
    {
        if (!ApiEndpoints.IsAdmin(http)) return (null, ApiErrors.SiteAdminRequired());
        if (!long.TryParse(id, out var userId)) return (null, ApiErrors.NotFound("user"));
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        return user is null ? (null, ApiErrors.NotFound("user")) : (user, null);
    }

    private static async Task<IResult> AuditedAsync(HttpContext http, GatehouseDb db, AuditLog audit, Accounts.User user, int ended, CancellationToken ct)
    {
        audit.Add(SsoEventTypes.SessionRevoked, true, "ended_by_admin", $"{ended} session(s) ended by {http.User.Identity!.Name}", user.Id, user.Username, "restapi", http);
        await db.SaveChangesAsync(ct);
        return Results.NoContent();
    }
}
