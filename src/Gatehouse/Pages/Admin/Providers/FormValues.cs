using Gatehouse.Providers;

namespace Gatehouse.Pages.Admin.Providers;

/// <summary>Re-fills the form from what was posted, so a refused save keeps the admin's typing (never secrets).</summary>
public static class FormValues
{
    public static SsoStrategy ToStrategy(IFormCollection f)
    {
        string? S(string k) => f.TryGetValue(k, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[^1]) ? v[^1] : null;
        bool B(string k) => f.TryGetValue(k, out var v) && v.Count > 0 && v[^1] == "true";
        var strategy = new SsoStrategy
        {
            Provider = S("provider") ?? "", Protocol = S("protocol") ?? "", Label = S("label") ?? "", LabelNormalized = "",
            SamlProviderMetadataUrl = S("saml_provider_metadata_url"), SamlProviderMetadataContent = S("saml_provider_metadata_content"),
            SamlProviderIssuerUrl = S("saml_provider_issuer_url"), SamlProviderSsoTargetUrl = S("saml_provider_sso_target_url"),
            SamlProviderSloTargetUrl = S("saml_provider_slo_target_url"), SamlProviderCertFingerprint = S("saml_provider_cert_fingerprint"),
            Subdomain = S("subdomain"), ClientId = S("client_id"), OidcIssuerUrl = S("oidc_issuer_url"),
            LdapType = S("ldap_type"), LdapHost = S("ldap_host"), LdapHost2 = S("ldap_host_2"), LdapHost3 = S("ldap_host_3"),
            LdapPort = int.TryParse(S("ldap_port"), out var port) ? port : null, LdapSecure = B("ldap_secure"), LdapStartTls = B("ldap_start_tls"),
            LdapUsername = S("ldap_username"), LdapDomain = S("ldap_domain"), LdapBaseDn = S("ldap_base_dn"), LdapUsernameField = S("ldap_username_field"),
            LdapCaCertificate = S("ldap_ca_certificate"),
            ScimAuthenticationMethod = S("scim_authentication_method") ?? "none",
            ProvisionUsers = B("provision_users"), ProvisionGroups = B("provision_groups"), DeprovisionUsers = B("deprovision_users"),
            DeprovisionGroups = B("deprovision_groups"), DeprovisionBehavior = S("deprovision_behavior") ?? "disable",
            ProvisionGroupDefault = S("provision_group_default"), ProvisionGroupInclusion = S("provision_group_inclusion"),
            ProvisionGroupExclusion = S("provision_group_exclusion"), ProvisionGroupRequired = S("provision_group_required"),
            ProvisionSiteAdminGroups = S("provision_site_admin_groups"), ProvisionCompany = S("provision_company"),
            ProvisionDavPermission = B("provision_dav_permission"), ProvisionFtpPermission = B("provision_ftp_permission"), ProvisionSftpPermission = B("provision_sftp_permission"),
            // OIDC options as the handler stores them, so a refused save keeps the admin's choices.
            ProtocolOptionsJson = S("oidc_response_mode") is null && S("oidc_client_auth_method") is null ? null
                : System.Text.Json.JsonSerializer.Serialize(new Oidc.OidcProtocolOptions
                {
                    ResponseMode = S("oidc_response_mode") ?? Oidc.OidcProtocolOptions.Query,
                    ClientAuthMethod = S("oidc_client_auth_method") ?? Oidc.OidcProtocolOptions.ClientSecretBasic,
                }),
            Enabled = !f.ContainsKey("enabled") || B("enabled"), DisplayOnLoginPage = !f.ContainsKey("display_on_login_page") || B("display_on_login_page"),
            IdentityAttribute = S("identity_attribute") ?? S("oidc_identity_claim"), AllowIdpInitiated = B("allow_idp_initiated"),
            ClockSkewSeconds = int.TryParse(S("clock_skew_seconds"), out var skew) ? skew : 180,
        };
        if (strategy.Protocol == ProviderKinds.Saml)
            new Saml.SamlProviderOptions
            {
                SignAuthnRequests = S("saml_sign_authn_requests_mode") switch { "true" => true, "false" => false, _ => null },
                RequireSignedAssertions = B("saml_require_signed_assertions"), AllowSha1 = B("saml_allow_sha1"),
                Certificates = Saml.SamlPem.Parse(S("saml_provider_certificates") ?? "", out _) is { Count: > 0 } c ? c : null,
                ExtraFingerprints = S("saml_provider_cert_fingerprints") is { } fps ? [fps] : null,
            }.Write(strategy);
        return strategy;
    }
}
