using Gatehouse.Providers;
using Microsoft.Extensions.Options;

namespace Gatehouse.Ldap;

/// <summary>
/// LDAP/AD providers have no browser redirect: their users type their directory password into the ordinary sign-in
/// form, which <see cref="LdapPasswordCheck"/> verifies live. The provider's button therefore leads to that form.
/// </summary>
public sealed class LdapProtocolHandler(IOptions<LdapOptions> options) : IProtocolHandler
{
    public string Protocol => ProviderKinds.Ldap;
    public bool SignInAvailable => true;

    public IEnumerable<SettingsError> ValidateSettings(SsoStrategy s)
    {
        if (!s.LdapSecure && !s.LdapStartTls && options.Value.AllowPlaintext != true)
            yield return new("ldap_secure", "must be true (LDAPS), or ldap_start_tls must be true: this server does not send directory passwords without TLS");
        if (s.LdapCaCertificate is not null && !s.LdapSecure && !s.LdapStartTls)
            yield return new("ldap_ca_certificate", "is used only with LDAPS (ldap_secure) or StartTLS (ldap_start_tls)");
        if (s.LdapUsername is not null && s.LdapPasswordProtected is null)
            yield return new("ldap_password", "is required with ldap_username (the service account that searches the directory)");
        if (s.LdapUsername is null && s.ProvisionUsers)
            yield return new("ldap_username", "is required for directory sync (provision_users): a service account reads users and groups");
        if (s.LdapUsername is null && s.LdapType != LdapSettings.ActiveDirectoryType && s.LdapUsernameField is null)
            yield return new("ldap_username_field", "is required when binding without a service account");
    }

    public Task<IResult> StartSignInAsync(HttpContext http, SsoStrategy strategy, string? returnTo, CancellationToken ct)
    {
        var target = "/login" + (Pages.SafeReturnPath.Or(returnTo) is { } r && r != "/" ? "?return_to=" + Uri.EscapeDataString(r) : "");
        return Task.FromResult(Results.Redirect(target));
    }
}
