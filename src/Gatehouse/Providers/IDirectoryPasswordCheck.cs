using Gatehouse.Accounts;

namespace Gatehouse.Providers;

public enum DirectoryCheckOutcome
{
    Valid,
    InvalidCredentials,
    /// <summary>The directory refused the account itself (disabled, locked, expired, must change password).</summary>
    AccountProblem,
    /// <summary>The directory could not be reached or answered with an error; the user is not at fault.</summary>
    DirectoryUnavailable,
}

/// <param name="Reason">Stable code for the audit trail (e.g. <c>ad_account_disabled</c>).</param>
/// <param name="Message">What the user may be told.</param>
public sealed record DirectoryCheckResult(DirectoryCheckOutcome Outcome, string Reason, string Message, string? Detail = null);

/// <summary>
/// Live password check against a provider's directory (LDAP, Active Directory): the way users of those providers
/// sign in on the web form, through <c>POST /sessions</c>, and later over FTP/SFTP/WebDAV.
/// </summary>
public interface IDirectoryPasswordCheck
{
    Task<DirectoryCheckResult> CheckAsync(SsoStrategy strategy, User user, string password, CancellationToken ct);
}
