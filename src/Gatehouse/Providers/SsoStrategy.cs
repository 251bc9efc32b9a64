using Gatehouse.Tenancy;

namespace Gatehouse.Providers;

/// <summary>
/// An SSO provider of a site (Files.com's <c>SsoStrategy</c>). Secrets are held only as Data Protection
/// ciphertext (<c>*Protected</c>) or as hashes (SCIM credentials); they never leave through the API.
/// </summary>
public sealed class SsoStrategy : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public required string Provider { get; set; }
    public required string Protocol { get; set; }
    public required string Label { get; set; }
    public required string LabelNormalized { get; set; }
    public bool Enabled { get; set; } = true;
    public bool DisplayOnLoginPage { get; set; } = true;
    /// <summary>Position of the button on the sign-in page (ascending, then id).</summary>
    public int SortOrder { get; set; }
    public string? LogoUrl { get; set; }
    /// <summary>What identifies the IdP credentials (e.g. <c>oidc|issuer|client</c>); unique across all sites.</summary>
    public string? CredentialKey { get; set; }

    // SAML
    public string? SamlProviderMetadataUrl { get; set; }
    public string? SamlProviderMetadataContent { get; set; }
    public string? SamlProviderIssuerUrl { get; set; }
    public string? SamlProviderSsoTargetUrl { get; set; }
    public string? SamlProviderSloTargetUrl { get; set; }
    public string? SamlProviderCertFingerprint { get; set; }

    // OIDC
    public string? Subdomain { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecretProtected { get; set; }
    public string? OidcIssuerUrl { get; set; }

    // SCIM
    public string ScimAuthenticationMethod { get; set; } = "none";
    public string? ScimUsername { get; set; }
    public byte[]? ScimPasswordHash { get; set; }
    public byte[]? ScimTokenHash { get; set; }
    public DateTime? ScimTokenExpiresAt { get; set; }

    // Provisioning
    public bool ProvisionUsers { get; set; }
    public bool ProvisionGroups { get; set; }
    public bool DeprovisionUsers { get; set; }
    public bool DeprovisionGroups { get; set; }
    public string DeprovisionBehavior { get; set; } = "disable";
    public string? ProvisionGroupDefault { get; set; }
    public string? ProvisionGroupInclusion { get; set; }
    public string? ProvisionGroupExclusion { get; set; }
    public string? ProvisionGroupRequired { get; set; }
    public string? ProvisionSiteAdminGroups { get; set; }
    public string? ProvisionCompany { get; set; }
    public bool ProvisionDavPermission { get; set; }
    public bool ProvisionFtpPermission { get; set; }
    public bool ProvisionSftpPermission { get; set; }

    // LDAP / Active Directory
    public string? LdapType { get; set; }
    public string? LdapHost { get; set; }
    public string? LdapHost2 { get; set; }
    public string? LdapHost3 { get; set; }
    public int? LdapPort { get; set; }
    public bool LdapSecure { get; set; }
    public bool LdapStartTls { get; set; }
    public string? LdapUsername { get; set; }
    public string? LdapPasswordProtected { get; set; }
    public string? LdapDomain { get; set; }
    public string? LdapBaseDn { get; set; }
    public string? LdapUsernameField { get; set; }
    public string? LdapCaCertificate { get; set; }

    // Shared sign-in behaviour (SAML and OIDC)
    /// <summary>Tolerance for IdP clock differences on every time check; default 3 minutes.</summary>
    public int ClockSkewSeconds { get; set; } = 180;
    /// <summary>SAML: an attribute name (null = NameID). OIDC: preferred_username, email, upn or sub.</summary>
    public string? IdentityAttribute { get; set; }
    /// <summary>SAML IdP-initiated responses are refused unless this is on.</summary>
    public bool AllowIdpInitiated { get; set; }
    /// <summary>Protocol options beyond the contract's fields (JSON owned by the protocol capability).</summary>
    public string? ProtocolOptionsJson { get; set; }
    /// <summary>Last good fetched configuration (IdP metadata, OIDC discovery and JWKS) and refresh status, as JSON.</summary>
    public string? ProtocolCacheJson { get; set; }
    public DateTime? ProtocolCacheRefreshAt { get; set; }
    /// <summary>The last refresh failure shown to the admin; the last good configuration stays in use.</summary>
    public string? ProtocolCacheError { get; set; }
    /// <summary>SP key material generated for this provider (signing/encryption, current and next), Data Protection ciphertext.</summary>
    public string? SpKeysProtected { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
