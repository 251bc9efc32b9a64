using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.Users;

public sealed record UserSessionRow(long Id, string Kind, string? Ip, string? UserAgent, DateTime CreatedAt, DateTime LastSeenAt);
public sealed record UserKeyRow(long Id, string Name, string Detail, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt);

/// <summary>
/// One user: edit (with the last-password-admin guard), unlock, delete. The user's groups, sessions and keys
/// are listed here; ending a session or deleting a key posts to the Sessions / API Keys / SSH Keys pages.
/// </summary>
public sealed class EditModel(GatehouseDb db, UserChanges changes, SessionService sessions, AuditLog audit, TimeProvider time) : FlashPageModel
{
    public User Target { get; private set; } = null!;
    public UserFields Form { get; private set; } = null!;
    public string MethodLabel { get; private set; } = "";
    public bool Locked { get; private set; }
    /// <summary>Disabled only because the user is in none of its provider's required groups (see RequiredGroupRule).</summary>
    public string? HeldForGroupsOf { get; private set; }
    public bool LastAdminWarning { get; private set; }
    public bool ConfirmDelete { get; private set; }
    public List<(long Id, string Name)> Groups { get; private set; } = [];
    public List<UserSessionRow> Sessions { get; private set; } = [];
    public List<UserKeyRow> ApiKeys { get; private set; } = [];
    public List<UserKeyRow> SshKeys { get; private set; } = [];
    public string Here => $"/admin/users/{Target.Id}";

    public async Task<IActionResult> OnGetAsync(long id, string? confirm, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null) return NotFound();
        ConfirmDelete = confirm == "delete";
        await LoadAsync(user, UserFormValues.From(user), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(long id, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null) return NotFound();
        var wasDisabled = user.Disabled;
        var oldMethod = (user.AuthenticationMethod, user.SsoStrategyId);

        // 1. Validate with the API's rules; 2. the lockout guard on the pending change; 3. save; 4. end sessions.
        var input = UserForm.ToInput(Request.Form);
        await changes.ApplyAsync(user, input, creating: false, ct);
        UserForm.RequirePasswordForNewPasswordMethod(user, oldMethod.AuthenticationMethod, Request.Form, input);
        if (!input.IsValid) return await RefuseAsync(id, input.Errors, "Nothing was saved. Please correct the fields below.", ct);
        if (!await AdminGuard.HoldsAsync(db, ct)) return await RefuseAsync(id, [], AdminGuard.Message, ct);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            return await RefuseAsync(id, new() { ["username"] = ["is already taken on this site"] }, "Nothing was saved. Please correct the fields below.", ct);
        }

        // A disabled user, or one whose way of signing in changed, loses every open session at once (as in the API).
        var ended = 0;
        if (user.Disabled && !wasDisabled || oldMethod != (user.AuthenticationMethod, user.SsoStrategyId))
            ended = await sessions.RevokeAllForUserAsync(user.Id, user.Disabled ? "user_disabled" : "authentication_method_changed", ct);
        Message = "Saved." + (ended > 0 ? $" {ended} open session(s) ended." : "");
        return Redirect($"/admin/users/{id}");
    }

    public async Task<IActionResult> OnPostUnlockAsync(long id, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null) return NotFound();
        user.LockoutExpires = null;
        user.FailedLoginCount = 0;
        audit.Add(SsoEventTypes.AccountChange, true, "unlocked", $"Unlocked by {User.Identity!.Name}", user.Id, user.Username, "web", HttpContext);
        await db.SaveChangesAsync(ct);
        Message = $"{user.Username} is unlocked and can sign in again.";
        return Redirect($"/admin/users/{id}");
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null) return NotFound();
        if (user.Id == User.UserId())
        {
            Error = "You cannot delete your own account. Ask another site administrator.";
            return Redirect($"/admin/users/{id}");
        }
        db.Users.Remove(user);
        if (!await AdminGuard.HoldsAsync(db, ct))
        {
            Error = AdminGuard.Message;
            return Redirect($"/admin/users/{id}");
        }
        audit.Add(SsoEventTypes.AccountChange, true, "deleted", $"Deleted by {User.Identity!.Name}", user.Id, user.Username, "web", HttpContext);
        await db.SaveChangesAsync(ct);
        Message = $"User {user.Username} deleted.";
        return Redirect("/admin/users");
    }

    private async Task<IActionResult> RefuseAsync(long id, Dictionary<string, List<string>> errors, string message, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == id, ct);
        Errors = errors;
        await LoadAsync(user, UserFormValues.From(Request.Form), ct);
        return Refused(message);
    }

    private async Task LoadAsync(User user, UserFormValues values, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        Target = user;
        Form = new UserFields(values, Errors, await UserForm.MethodsAsync(db, user.AuthenticationMethod, ct), Editing: true);
        MethodLabel = AuthenticationMethodLabel.For(user.AuthenticationMethod, user.SsoStrategyId, await AuthenticationMethodLabel.ProviderLabelsAsync(db, ct));
        Locked = user.LockoutExpires is { } until && until > now;
        HeldForGroupsOf = !user.Disabled ? null : await (
            from p in db.Set<Provisioning.ScimUserProfile>()
            where p.UserId == user.Id && p.HeldForGroups
            join s in db.SsoStrategies on p.SsoStrategyId equals s.Id
            select s.Label + " (" + s.ProvisionGroupRequired + ")").FirstOrDefaultAsync(ct);
        LastAdminWarning = await AdminGuard.CountAsync(db, ct) == 1;
        Groups = (await db.GroupUsers.Where(m => m.UserId == user.Id).OrderBy(m => m.Group.Name)
            .Select(m => new { m.GroupId, m.Group.Name }).ToListAsync(ct)).Select(g => (g.GroupId, g.Name)).ToList();
        Sessions = await db.Sessions.Where(s => s.UserId == user.Id && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.LastSeenAt)
            .Select(s => new UserSessionRow(s.Id, s.Kind, s.Ip, s.UserAgent, s.CreatedAt, s.LastSeenAt)).ToListAsync(ct);
        ApiKeys = await db.ApiKeys.Where(k => k.UserId == user.Id).OrderBy(k => k.Id)
            .Select(k => new UserKeyRow(k.Id, k.Name, k.DescriptiveLabel, k.CreatedAt, k.ExpiresAt, k.LastUseAt)).ToListAsync(ct);
        SshKeys = await db.PublicKeys.Where(k => k.UserId == user.Id).OrderBy(k => k.Id)
            .Select(k => new UserKeyRow(k.Id, k.Title, "SHA256:" + k.FingerprintSha256, k.CreatedAt, null, k.LastLoginAt)).ToListAsync(ct);
    }
}
