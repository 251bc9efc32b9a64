namespace Gatehouse.Accounts;

/// <summary>The Files.com <c>User</c> object, snake_case on the wire.</summary>
public sealed record UserJson(
    long Id, string Username, string? Name, string? Email, string? Company, bool SiteAdmin, bool Disabled,
    string AuthenticationMethod, long? SsoStrategyId, bool ExternallyManaged, string GroupIds,
    bool DavPermission, bool FtpPermission, bool SftpPermission, bool RestapiPermission,
    int ApiKeysCount, int PublicKeysCount, DateTime? LockoutExpires, DateTime CreatedAt,
    DateTime? FirstLoginAt, DateTime? LastLoginAt, DateTime? LastWebLoginAt, DateTime? LastDavLoginAt,
    DateTime? LastSftpLoginAt, DateTime? LastDesktopLoginAt, DateTime? LastRestapiLoginAt, bool PasswordSet)
{
    /// <summary>A projection EF translates into one query with counts, so lists cost no N+1.</summary>
    public static System.Linq.Expressions.Expression<Func<User, UserJson>> Projection => u => new UserJson(
        u.Id, u.Username, u.Name, u.Email, u.Company, u.SiteAdmin, u.Disabled,
        u.AuthenticationMethod, u.SsoStrategyId, u.ExternallyManaged,
        string.Join(",", u.Memberships.OrderBy(m => m.GroupId).Select(m => m.GroupId)),
        u.DavPermission, u.FtpPermission, u.SftpPermission, u.RestapiPermission,
        u.ApiKeys.Count, u.PublicKeys.Count, u.LockoutExpires, u.CreatedAt,
        u.FirstLoginAt, u.LastLoginAt, u.LastWebLoginAt, u.LastDavLoginAt,
        u.LastSftpLoginAt, u.LastDesktopLoginAt, u.LastRestapiLoginAt, u.PasswordHash != null);
}
