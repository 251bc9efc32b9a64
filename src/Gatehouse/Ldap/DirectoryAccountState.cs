using System.Globalization;
using System.Text.RegularExpressions;

namespace Gatehouse.Ldap;

/// <summary>Why a directory refused an account: a stable reason for the audit trail and a sentence for the user.</summary>
public sealed record AccountProblem(string Reason, string Message);

/// <summary>
/// Reads account states from directory attributes and from Active Directory's bind errors (security catalogue L7).
/// The user is told one general sentence; the audit trail gets the precise reason.
/// </summary>
public static partial class DirectoryAccountState
{
    /// <summary>Attributes to read with the entry to judge its state.</summary>
    public static readonly string[] Attributes =
    [
        "userAccountControl", "msDS-User-Account-Control-Computed", "pwdLastSet", "accountExpires", "lockoutTime",
        "pwdAccountLockedTime", "pwdReset", "nsAccountLock", "shadowExpire",
    ];

    private const int UfAccountDisable = 0x2, UfLockout = 0x10, UfPasswordExpired = 0x800000;

    /// <summary>The problem with an entry, or null when it may sign in. Evaluated after a successful bind as a second line.</summary>
    public static AccountProblem? Evaluate(LdapEntry e, DateTime now)
    {
        // Active Directory ([MS-ADTS] userAccountControl; msDS-User-Account-Control-Computed is the one kept for lockout/expiry).
        if (Int(e.First("userAccountControl")) is { } uac && (uac & UfAccountDisable) != 0) return Disabled("ad_account_disabled");
        if (Int(e.First("msDS-User-Account-Control-Computed")) is { } computed)
        {
            if ((computed & UfLockout) != 0) return Locked("ad_account_locked");
            if ((computed & UfPasswordExpired) != 0) return new("ad_password_expired", "Your directory password has expired. Change it (for example by signing in to a company computer), then try again.");
        }
        if (e.First("pwdLastSet") == "0") return new("ad_must_change_password", "Your directory account must set a new password before it can sign in. Change it, then try again.");
        if (Long(e.First("accountExpires")) is { } expires && expires is not 0 and not long.MaxValue && expires < DateTime.MaxValue.ToFileTimeUtc()
            && DateTime.FromFileTimeUtc(expires) <= now)
            return new("ad_account_expired", "Your directory account has expired. Contact your IT help desk.");

        // OpenLDAP ppolicy (draft-behera), 389-DS/Oracle nsAccountLock, and shadowAccount (RFC 2307).
        if (e.First("pwdAccountLockedTime") is { } lockedAt)
            return lockedAt == "000001010000Z" ? Disabled("ldap_account_disabled") : Locked("ldap_account_locked");
        if (string.Equals(e.First("nsAccountLock"), "true", StringComparison.OrdinalIgnoreCase)) return Disabled("ldap_account_disabled");
        if (string.Equals(e.First("pwdReset"), "TRUE", StringComparison.OrdinalIgnoreCase))
            return new("ldap_must_change_password", "Your directory account must set a new password before it can sign in. Change it, then try again.");
        if (Long(e.First("shadowExpire")) is { } days && days >= 0 && DateTime.UnixEpoch.AddDays(days) <= now)
            return new("ldap_account_expired", "Your directory account has expired or is disabled. Contact your IT help desk.");
        return null;
    }

    /// <summary>
    /// Active Directory's sub-code in a failed bind's message (<c>AcceptSecurityContext error, data 775</c>). 525 and 52e
    /// (unknown user, wrong password) stay "invalid credentials" so they are no enumeration oracle; the rest say why.
    /// </summary>
    public static AccountProblem? FromBindError(string? serverMessage)
    {
        if (serverMessage is null) return null;
        var m = AdDataCode().Match(serverMessage);
        if (!m.Success) return null;
        return m.Groups[1].Value.ToLowerInvariant() switch
        {
            "530" => new("ad_logon_hours", "Your directory account may not sign in at this time of day. Contact your IT help desk."),
            "531" => new("ad_workstation_restricted", "Your directory account may not sign in from this system. Contact your IT help desk."),
            "532" => new("ad_password_expired", "Your directory password has expired. Change it, then try again."),
            "533" => Disabled("ad_account_disabled"),
            "568" => new("ad_too_many_sids", "Your directory account is in too many groups to sign in. Contact your IT help desk."),
            "701" => new("ad_account_expired", "Your directory account has expired. Contact your IT help desk."),
            "773" => new("ad_must_change_password", "Your directory account must set a new password before it can sign in. Change it, then try again."),
            "775" => Locked("ad_account_locked"),
            _ => null,
        };
    }

    private static AccountProblem Disabled(string reason) => new(reason, "Your directory account is disabled. Contact your IT help desk.");
    private static AccountProblem Locked(string reason) => new(reason, "Your directory account is locked. Wait, or contact your IT help desk to unlock it.");

    private static int? Int(string? s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
    private static long? Long(string? s) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    [GeneratedRegex(@"\bdata\s+([0-9a-fA-F]{3,4})\b")]
    private static partial Regex AdDataCode();
}
