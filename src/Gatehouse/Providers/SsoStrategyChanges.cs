using System.Text.RegularExpressions;
using Gatehouse.Api;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Providers;

/// <summary>
/// Applies the writable <c>sso_strategies</c> fields of a request to a provider and validates them whole;
/// nothing is saved here. Shared by the REST API and the admin pages.
/// </summary>
public sealed partial class SsoStrategyChanges(GatehouseDb db, ProviderSecrets secrets, ProtocolHandlers handlers)
{
    private static readonly string[] ScimMethods = ["none", "token", "basic"];
    private static readonly string[] DeprovisionBehaviors = ["disable", "delete"];
    private static readonly string[] LdapTypes = ["active_directory", "open_ldap"];

    public async Task ApplyAsync(SsoStrategy s, ApiInput input, bool creating, CancellationToken ct)
    {
        // 1. Kind and protocol: fixed once created (users and IdP settings depend on them).
        var provider = input.Enum("provider", ProviderKinds.Names);
        if (creating && provider is null && !input.Errors.ContainsKey("provider")) input.AddError("provider", $"is required: one of {string.Join(", ", ProviderKinds.Names)}");
        if (!creating && provider is not null && provider != s.Provider) input.AddError("provider", "cannot be changed; add a new provider and move users to it");
        if (creating && provider is not null) s.Provider = provider;
        var kind = ProviderKinds.Find(s.Provider);
        var protocol = input.String("protocol", 16);
        if (kind is not null)
        {
            if (string.IsNullOrEmpty(protocol)) { if (creating) s.Protocol = kind.DefaultProtocol; }
            else if (!kind.Protocols.Contains(protocol)) input.AddError("protocol", $"must be {string.Join(" or ", kind.Protocols)} for {kind.DisplayName}");
            else if (!creating && protocol != s.Protocol) input.AddError("protocol", "cannot be changed; add a new provider and move users to it");
            else s.Protocol = protocol;
        }

        // 2. Shared fields.
        if (input.String("label", 100, required: creating) is { } label)
        {
            label = label.Trim();
            if (label.Length == 0) input.AddError("label", "is required");
            else if (label.Any(char.IsControl)) input.AddError("label", "must not contain control characters");
            else
            {
                var normalized = label.ToLowerInvariant();
                if (await db.SsoStrategies.AnyAsync(x => x.LabelNormalized == normalized && x.Id != s.Id, ct))
                    input.AddError("label", "is already the Display Name of another provider of this site");
                s.Label = label;
                s.LabelNormalized = normalized;
            }
        }
        if (input.Bool("enabled") is { } enabled) s.Enabled = enabled;
        if (input.Bool("display_on_login_page") is { } display) s.DisplayOnLoginPage = display;
        if (input.Long("sort_order", -10_000, 10_000) is { } order) s.SortOrder = (int)order;
        if (input.String("logo_url", 2048) is { } logo) s.LogoUrl = HttpsUrl(input, "logo_url", logo, allowHttp: false);

        ApplySaml(s, input);
        ApplyOidc(s, input, creating);
        ApplyLdap(s, input);
        ApplyProvisioning(s, input);

        // 3. Protocol rules, then the handler's own.
        if (kind is not null) handlers.For(s).ApplySettings(s, input);
        if (input.IsValid && kind is not null)
        {
            RequireProtocolSettings(s, input, creating);
            if (input.IsValid)
                foreach (var e in await handlers.For(s).ValidateSettingsAsync(s, ct)) input.AddError(e.Field, e.Message);
        }
        if (input.IsValid) s.CredentialKey = CredentialKey(s);
    }

    private void ApplySaml(SsoStrategy s, ApiInput input)
    {
        if (input.String("saml_provider_metadata_url", 2048) is { } url) s.SamlProviderMetadataUrl = HttpsUrl(input, "saml_provider_metadata_url", url, allowHttp: true);
        if (input.String("saml_provider_metadata_content", 512 * 1024) is { } xml)
        {
            xml = xml.Trim();
            if (xml.Length > 0 && !xml.StartsWith('<')) input.AddError("saml_provider_metadata_content", "must be the IdP's metadata XML (an EntityDescriptor)");
            s.SamlProviderMetadataContent = xml.Length == 0 ? null : xml;
        }
        if (input.String("saml_provider_issuer_url", 1024) is { } issuer) s.SamlProviderIssuerUrl = Blank(issuer);
        if (input.String("saml_provider_sso_target_url", 2048) is { } sso) s.SamlProviderSsoTargetUrl = HttpsUrl(input, "saml_provider_sso_target_url", sso, allowHttp: true);
        if (input.String("saml_provider_slo_target_url", 2048) is { } slo) s.SamlProviderSloTargetUrl = HttpsUrl(input, "saml_provider_slo_target_url", slo, allowHttp: true);
        if (input.String("saml_provider_cert_fingerprint", 128) is { } fp)
        {
            fp = fp.Trim();
            var hex = fp.Replace(":", "").Replace(" ", "");
            if (fp.Length > 0 && (hex.Length != 64 || !hex.All(Uri.IsHexDigit)))
                input.AddError("saml_provider_cert_fingerprint", "must be a SHA-256 fingerprint: 64 hex digits, colons allowed");
            s.SamlProviderCertFingerprint = fp.Length == 0 ? null : string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2).ToUpperInvariant()));
        }
    }

    private void ApplyOidc(SsoStrategy s, ApiInput input, bool creating)
    {
        if (input.String("subdomain", 255) is { } sub) s.Subdomain = Blank(sub);
        if (input.String("client_id", 255) is { } clientId) s.ClientId = Blank(clientId);
        if (input.String("client_secret", 1024, nullAsEmpty: false) is { Length: > 0 } secret) s.ClientSecretProtected = secrets.Protect(secret);
        if (input.String("oidc_issuer_url", 2048) is { } issuer) s.OidcIssuerUrl = HttpsUrl(input, "oidc_issuer_url", issuer, allowHttp: true);
    }

    private void ApplyLdap(SsoStrategy s, ApiInput input)
    {
        if (input.String("ldap_type", 32) is { } type)
        {
            if (type.Length > 0 && !LdapTypes.Contains(type)) input.AddError("ldap_type", "must be active_directory or open_ldap");
            else s.LdapType = Blank(type);
        }
        if (input.String("ldap_host", 255) is { } h1) s.LdapHost = Host(input, "ldap_host", h1);
        if (input.String("ldap_host_2", 255) is { } h2) s.LdapHost2 = Host(input, "ldap_host_2", h2);
        if (input.String("ldap_host_3", 255) is { } h3) s.LdapHost3 = Host(input, "ldap_host_3", h3);
        if (input.Long("ldap_port", 1, 65535) is { } port) s.LdapPort = (int)port;
        if (input.Bool("ldap_secure") is { } secure) s.LdapSecure = secure;
        if (input.Bool("ldap_start_tls") is { } startTls) s.LdapStartTls = startTls;
        if (s.LdapSecure && s.LdapStartTls) input.AddError("ldap_start_tls", "cannot be combined with ldap_secure (LDAPS); choose one");
        if (input.String("ldap_username", 512) is { } user) s.LdapUsername = Blank(user);
        if (input.String("ldap_password", 1024, nullAsEmpty: false) is { Length: > 0 } password) s.LdapPasswordProtected = secrets.Protect(password);
        if (input.String("ldap_domain", 255) is { } domain) s.LdapDomain = Blank(domain);
        if (input.String("ldap_base_dn", 1024) is { } baseDn) s.LdapBaseDn = Blank(baseDn);
        if (input.String("ldap_username_field", 64) is { } field)
        {
            if (field.Length > 0 && !AttributeName().IsMatch(field)) input.AddError("ldap_username_field", "must be an LDAP attribute name such as sAMAccountName, userPrincipalName or uid");
            else s.LdapUsernameField = Blank(field);
        }
        if (input.String("ldap_ca_certificate", 64 * 1024) is { } ca)
        {
            ca = ca.Trim();
            if (ca.Length > 0 && !ca.Contains("-----BEGIN CERTIFICATE-----")) input.AddError("ldap_ca_certificate", "must be one or more PEM certificates");
            else if (ca.Length > 0)
            {
                try
                {
                    var bundle = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
                    bundle.ImportFromPem(ca);
                    if (bundle.Count == 0) input.AddError("ldap_ca_certificate", "contains no certificate");
                }
                catch (System.Security.Cryptography.CryptographicException) { input.AddError("ldap_ca_certificate", "is not a valid PEM certificate bundle"); }
            }
            s.LdapCaCertificate = ca.Length == 0 ? null : ca;
        }
    }

    private static void ApplyProvisioning(SsoStrategy s, ApiInput input)
    {
        if (input.Bool("provision_users") is { } pu) s.ProvisionUsers = pu;
        if (input.Bool("provision_groups") is { } pg) s.ProvisionGroups = pg;
        if (input.Bool("deprovision_users") is { } du) s.DeprovisionUsers = du;
        if (input.Bool("deprovision_groups") is { } dg) s.DeprovisionGroups = dg;
        if (input.Enum("deprovision_behavior", DeprovisionBehaviors) is { } db) s.DeprovisionBehavior = db;
        if (input.String("provision_group_default", 4000) is { } gd) s.ProvisionGroupDefault = Blank(gd);
        if (input.String("provision_group_inclusion", 4000) is { } gi) s.ProvisionGroupInclusion = Blank(gi);
        if (input.String("provision_group_exclusion", 4000) is { } ge) s.ProvisionGroupExclusion = Blank(ge);
        if (input.String("provision_group_required", 4000) is { } gr) s.ProvisionGroupRequired = Blank(gr);
        if (input.String("provision_site_admin_groups", 4000) is { } ga) s.ProvisionSiteAdminGroups = Blank(ga);
        if (input.String("provision_company", 256) is { } company) s.ProvisionCompany = Blank(company);
        if (input.Bool("provision_dav_permission") is { } dav) s.ProvisionDavPermission = dav;
        if (input.Bool("provision_ftp_permission") is { } ftp) s.ProvisionFtpPermission = ftp;
        if (input.Bool("provision_sftp_permission") is { } sftp) s.ProvisionSftpPermission = sftp;
        if (input.Enum("scim_authentication_method", ScimMethods) is { } scim) s.ScimAuthenticationMethod = scim;
    }

    /// <summary>What each protocol needs before it can be saved.</summary>
    private static void RequireProtocolSettings(SsoStrategy s, ApiInput input, bool creating)
    {
        switch (s.Protocol)
        {
            case ProviderKinds.Saml:
                var byHand = s.SamlProviderIssuerUrl is not null && s.SamlProviderSsoTargetUrl is not null
                    && (s.SamlProviderCertFingerprint is not null || Saml.SamlProviderOptions.Read(s).Certificates is { Count: > 0 } || Saml.SamlProviderOptions.Read(s).ExtraFingerprints is { Count: > 0 });
                if (s.SamlProviderMetadataUrl is null && s.SamlProviderMetadataContent is null && !byHand)
                    input.AddError("saml_provider_metadata_url",
                        "or saml_provider_metadata_content, or all of saml_provider_issuer_url, saml_provider_sso_target_url and saml_provider_cert_fingerprint, is required");
                break;
            case ProviderKinds.Oidc:
                if (s.ClientId is null) input.AddError("client_id", "is required");
                if (s.ClientSecretProtected is null && Oidc.OidcSettings.Options(s).ClientAuthMethod != Oidc.OidcProtocolOptions.PrivateKeyJwt)
                    input.AddError("client_secret", "is required");
                if (OidcPresets.Issuer(s, out var problem) is null)
                    input.AddError(s.Provider == "oidc" ? "oidc_issuer_url" : "subdomain", problem!.Split(' ', 2)[1]);
                break;
            case ProviderKinds.Ldap:
                if (s.LdapHost is null) input.AddError("ldap_host", "is required");
                if (s.LdapBaseDn is null) input.AddError("ldap_base_dn", "is required");
                s.LdapType ??= s.Provider == "active_directory" ? "active_directory" : "open_ldap";
                s.LdapUsernameField ??= s.LdapType == "active_directory" ? "sAMAccountName" : "uid";
                s.LdapPort ??= s.LdapSecure ? 636 : 389;
                break;
        }
    }

    /// <summary>The identity of the IdP credentials, compared across all sites (CONTRACT §2).</summary>
    public static string? CredentialKey(SsoStrategy s) => s.Protocol switch
    {
        ProviderKinds.Oidc when s.Provider == "azure" => $"azure|{s.Subdomain?.ToLowerInvariant()}|{s.ClientId}",
        ProviderKinds.Oidc => OidcPresets.Issuer(s, out _) is { } issuer ? $"oidc|{issuer.TrimEnd('/').ToLowerInvariant()}|{s.ClientId}" : null,
        ProviderKinds.Saml when s.SamlProviderIssuerUrl is not null => $"saml|{s.SamlProviderIssuerUrl}",
        _ => null,
    };

    private static string? HttpsUrl(ApiInput input, string field, string value, bool allowHttp)
    {
        value = value.Trim();
        if (value.Length == 0) return null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var u) || !(u.Scheme == "https" || allowHttp && u.Scheme == "http"))
        {
            input.AddError(field, allowHttp ? "must be an absolute http(s) URL" : "must be an absolute https URL");
            return null;
        }
        return value;
    }

    private static string? Host(ApiInput input, string field, string value)
    {
        value = value.Trim();
        if (value.Length == 0) return null;
        if (Uri.CheckHostName(value) == UriHostNameType.Unknown) { input.AddError(field, "must be a host name or IP address (no scheme or port)"); return null; }
        return value;
    }

    private static string? Blank(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]{0,63}$")]
    private static partial Regex AttributeName();
}
