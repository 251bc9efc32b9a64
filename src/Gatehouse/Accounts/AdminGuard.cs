using System.Linq.Expressions;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Accounts;

/// <summary>
/// The site must keep at least one enabled site administrator who signs in with a password: the way back
/// in when every SSO provider fails. Checked against the pending changes before they are saved.
/// </summary>
public static class AdminGuard
{
    public const string Message =
        "This change would leave the site without an enabled site administrator who signs in with a password. Keep at least one, so someone can still get in if single sign-on fails.";

    private static readonly Expression<Func<User, bool>> BreakGlass = u =>
        u.SiteAdmin && !u.Disabled
        && ((u.AuthenticationMethod == AuthenticationMethods.Password && u.PasswordHash != null)
            || (u.AuthenticationMethod == AuthenticationMethods.PasswordWithImportedHash && u.ImportedPasswordHash != null));

    private static readonly Func<User, bool> IsBreakGlass = BreakGlass.Compile();

    /// <summary>True when, after the tracked (unsaved) changes, at least one break-glass admin remains.</summary>
    public static async Task<bool> HoldsAsync(GatehouseDb db, CancellationToken ct)
    {
        var changed = db.ChangeTracker.Entries<User>()
            .Where(e => e.State is EntityState.Modified or EntityState.Deleted or EntityState.Added)
            .ToList();
        if (changed.Count == 0) return true;
        if (changed.Any(e => e.State != EntityState.Deleted && IsBreakGlass(e.Entity))) return true;
        var ids = changed.Select(e => e.Entity.Id).ToList();
        return await db.Users.Where(u => !ids.Contains(u.Id)).AnyAsync(BreakGlass, ct);
    }

    public static Task<int> CountAsync(GatehouseDb db, CancellationToken ct) => db.Users.CountAsync(BreakGlass, ct);
}
