using Gatehouse.Providers;

namespace Gatehouse.Ldap;

public enum LdapTransport { Plain, Ldaps, StartTls }

/// <summary>
/// One provider's directory settings, read from its <see cref="SsoStrategy"/> for one operation (the bind password
/// decrypted only here, never logged). Hosts are tried in order: <c>ldap_host</c>, <c>ldap_host_2</c>, <c>ldap_host_3</c>.
/// </summary>
public sealed record LdapSettings(
    long StrategyId, long SiteId, bool ActiveDirectory, IReadOnlyList<string> Hosts, int Port, LdapTransport Transport,
    string? ServiceUsername, string? ServicePassword, string? Domain, string BaseDn, string UsernameField, string? CaBundlePem)
{
    public const string ActiveDirectoryType = "active_directory";

    /// <summary>Issuer of this provider's identity links: the directory's immutable key is unique within one provider.</summary>
    public static string LinkIssuer(long strategyId) => $"ldap:{strategyId}";

    public bool HasServiceAccount => !string.IsNullOrEmpty(ServiceUsername) && !string.IsNullOrEmpty(ServicePassword);

    /// <summary>The attribute holding the directory's immutable key: objectGUID (AD) or entryUUID (RFC 4530).</summary>
    public string KeyAttribute => ActiveDirectory ? "objectGUID" : "entryUUID";

    /// <summary>Which entries are people: AD users (not computers), or any person/posixAccount.</summary>
    public string UserObjectFilter => ActiveDirectory
        ? "(&(objectCategory=person)(objectClass=user))"
        : "(|(objectClass=person)(objectClass=posixAccount))";

    public string GroupObjectFilter => ActiveDirectory
        ? "(objectClass=group)"
        : "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))";

    public static LdapSettings? From(SsoStrategy s, ProviderSecrets secrets, out string? problem)
    {
        problem = null;
        var hosts = new[] { s.LdapHost, s.LdapHost2, s.LdapHost3 }.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h!.Trim()).ToList();
        if (hosts.Count == 0) { problem = "No LDAP host is set (ldap_host)."; return null; }
        if (string.IsNullOrWhiteSpace(s.LdapBaseDn)) { problem = "No base DN is set (ldap_base_dn)."; return null; }
        string? password = null;
        if (s.LdapPasswordProtected is { Length: > 0 } p)
        {
            try { password = secrets.Unprotect(p); }
            catch (System.Security.Cryptography.CryptographicException)
            {
                problem = "The stored bind password cannot be decrypted (was the key ring replaced?). Enter ldap_password again.";
                return null;
            }
        }
        var ad = (s.LdapType ?? (s.Provider == "active_directory" ? ActiveDirectoryType : "open_ldap")) == ActiveDirectoryType;
        var transport = s.LdapSecure ? LdapTransport.Ldaps : s.LdapStartTls ? LdapTransport.StartTls : LdapTransport.Plain;
        return new LdapSettings(s.Id, s.SiteId, ad, hosts, s.LdapPort ?? (s.LdapSecure ? 636 : 389), transport,
            string.IsNullOrWhiteSpace(s.LdapUsername) ? null : s.LdapUsername.Trim(), password,
            string.IsNullOrWhiteSpace(s.LdapDomain) ? null : s.LdapDomain.Trim(), s.LdapBaseDn.Trim(),
            string.IsNullOrWhiteSpace(s.LdapUsernameField) ? (ad ? "sAMAccountName" : "uid") : s.LdapUsernameField.Trim(),
            string.IsNullOrWhiteSpace(s.LdapCaCertificate) ? null : s.LdapCaCertificate);
    }

    /// <summary>
    /// The value searched in the username attribute: Files.com appends <c>ldap_domain</c> to usernames for
    /// userPrincipalName, and a sAMAccountName/uid given as <c>user@domain</c> loses the domain.
    /// </summary>
    public string DirectoryUsername(string username)
    {
        if (Domain is null) return username;
        var upn = UsernameField.Equals("userPrincipalName", StringComparison.OrdinalIgnoreCase) || UsernameField.Equals("mail", StringComparison.OrdinalIgnoreCase);
        if (upn) return username.Contains('@') ? username : $"{username}@{Domain}";
        var suffix = "@" + Domain;
        return username.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) ? username[..^suffix.Length] : username;
    }
}
