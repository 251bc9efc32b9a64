using Gatehouse.Tenancy;

namespace Gatehouse.Accounts;

public sealed class User : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public required string Username { get; set; }
    /// <summary>Lower-cased username: uniqueness and look-ups are case-insensitive.</summary>
    public required string UsernameNormalized { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Company { get; set; }
    public bool SiteAdmin { get; set; }
    public bool Disabled { get; set; }
    public string AuthenticationMethod { get; set; } = AuthenticationMethods.Password;
    public long? SsoStrategyId { get; set; }
    public bool ExternallyManaged { get; set; }
    /// <summary>Our own hash (ASP.NET Core Identity PBKDF2 format).</summary>
    public string? PasswordHash { get; set; }
    /// <summary>A hash imported from another system, verified and replaced on first sign-in.</summary>
    public string? ImportedPasswordHash { get; set; }
    public DateTime? PasswordSetAt { get; set; }
    public bool DavPermission { get; set; }
    public bool FtpPermission { get; set; }
    public bool SftpPermission { get; set; }
    public bool RestapiPermission { get; set; } = true;
    public int FailedLoginCount { get; set; }
    public DateTime? LockoutExpires { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FirstLoginAt { get; set; }
    public DateTime? LastLoginAt { get; set; }
    public DateTime? LastWebLoginAt { get; set; }
    public DateTime? LastDavLoginAt { get; set; }
    public DateTime? LastSftpLoginAt { get; set; }
    public DateTime? LastDesktopLoginAt { get; set; }
    public DateTime? LastRestapiLoginAt { get; set; }

    public List<GroupUser> Memberships { get; set; } = [];
    public List<ApiKey> ApiKeys { get; set; } = [];
    public List<PublicKey> PublicKeys { get; set; } = [];

    public static string Normalize(string username) => username.Trim().ToLowerInvariant();
}

public static class AuthenticationMethods
{
    public const string Password = "password";
    public const string Sso = "sso";
    public const string None = "none";
    public const string PasswordWithImportedHash = "password_with_imported_hash";
    public static readonly string[] All = [Password, Sso, None, PasswordWithImportedHash];
}
