using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.Sessions;

public sealed record SessionRow(long Id, long UserId, string Username, string Kind, string? Ip, string? UserAgent, DateTime CreatedAt, DateTime LastSeenAt);

/// <summary>Every live session of the site, newest first; ending one (or all of a user's) revokes it server-side at once.</summary>
public sealed class IndexModel(GatehouseDb db, SessionService sessions, AuditLog audit, TimeProvider time) : FlashPageModel
{
    /// <summary>The id the previous page ended with (keyset paging, newest first).</summary>
    [BindProperty(SupportsGet = true, Name = "before")] public long? Before { get; set; }
    public KeysetPage<SessionRow> Sessions { get; private set; } = new([], null, false);
    public long? CurrentSessionId => User.SessionId();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var query = db.Sessions.Where(s => s.RevokedAt == null && s.ExpiresAt > now);
        if (Before is { } before) query = query.Where(s => s.Id < before);
        Sessions = await Keyset.ReadAsync(query.OrderByDescending(s => s.Id)
            .Select(s => new SessionRow(s.Id, s.UserId, s.User.Username, s.Kind, s.Ip, s.UserAgent, s.CreatedAt, s.LastSeenAt)), ct);
    }

    public async Task<IActionResult> OnPostEndAsync(long id, string? return_to, CancellationToken ct)
    {
        var session = await db.Sessions.Where(s => s.Id == id).Select(s => new { s.UserId, s.User.Username }).FirstOrDefaultAsync(ct);
        if (session is null) Error = "That session does not exist on this site.";
        else
        {
            var ended = await sessions.RevokeAsync(db.Sessions.Where(s => s.Id == id), "ended_by_admin", ct);
            await AuditAsync(session.UserId, session.Username, ended, ct);
            Message = ended > 0 ? $"Session of {session.Username} ended." : "That session had already ended.";
        }
        return Redirect(Back(return_to, "/admin/sessions"));
    }

    public async Task<IActionResult> OnPostEndAllAsync(long user_id, string? return_to, CancellationToken ct)
    {
        var username = await db.Users.Where(u => u.Id == user_id).Select(u => u.Username).FirstOrDefaultAsync(ct);
        if (username is null) Error = "That user does not exist on this site.";
        else
        {
            var ended = await sessions.RevokeAllForUserAsync(user_id, "ended_by_admin", ct);
            await AuditAsync(user_id, username, ended, ct);
            Message = $"{ended} session(s) of {username} ended.";
        }
        return Redirect(Back(return_to, "/admin/sessions"));
    }

    private async Task AuditAsync(long userId, string username, int ended, CancellationToken ct)
    {
        if (ended == 0) return;
        audit.Add(SsoEventTypes.SessionRevoked, true, "ended_by_admin", $"{ended} session(s) ended by {User.Identity!.Name}", userId, username, "web", HttpContext);
        await db.SaveChangesAsync(ct);
    }
}
