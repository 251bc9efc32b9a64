using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Persistence.Configurations;

public sealed class SsoStrategyConfiguration : IEntityTypeConfiguration<SsoStrategy>
{
    public void Configure(EntityTypeBuilder<SsoStrategy> b)
    {
        b.ToTable("sso_strategies");
        b.Property(s => s.Provider).HasMaxLength(32);
        b.Property(s => s.Protocol).HasMaxLength(16);
        b.Property(s => s.Label).HasMaxLength(100);
        b.Property(s => s.LabelNormalized).HasMaxLength(100);
        b.HasIndex(s => new { s.SiteId, s.LabelNormalized }).IsUnique();
        b.Property(s => s.LogoUrl).HasMaxLength(2048);
        b.Property(s => s.CredentialKey).HasMaxLength(1100);
        // One set of IdP credentials serves one site only, whichever site asks.
        b.HasIndex(s => s.CredentialKey).IsUnique();
        b.Property(s => s.SamlProviderMetadataUrl).HasMaxLength(2048);
        b.Property(s => s.SamlProviderMetadataContent).HasMaxLength(512 * 1024);
        b.Property(s => s.SamlProviderIssuerUrl).HasMaxLength(1024);
        b.Property(s => s.SamlProviderSsoTargetUrl).HasMaxLength(2048);
        b.Property(s => s.SamlProviderSloTargetUrl).HasMaxLength(2048);
        b.Property(s => s.SamlProviderCertFingerprint).HasMaxLength(128);
        b.Property(s => s.Subdomain).HasMaxLength(255);
        b.Property(s => s.ClientId).HasMaxLength(255);
        b.Property(s => s.ClientSecretProtected).HasMaxLength(4096);
        b.Property(s => s.OidcIssuerUrl).HasMaxLength(2048);
        b.Property(s => s.ScimAuthenticationMethod).HasMaxLength(16);
        b.Property(s => s.ScimUsername).HasMaxLength(128);
        b.Property(s => s.ScimPasswordHash).HasMaxLength(32);
        b.Property(s => s.ScimTokenHash).HasMaxLength(32);
        b.HasIndex(s => s.ScimTokenHash).IsUnique();
        b.Property(s => s.DeprovisionBehavior).HasMaxLength(16);
        foreach (var p in new[] { nameof(SsoStrategy.ProvisionGroupDefault), nameof(SsoStrategy.ProvisionGroupInclusion), nameof(SsoStrategy.ProvisionGroupExclusion),
                     nameof(SsoStrategy.ProvisionGroupRequired), nameof(SsoStrategy.ProvisionSiteAdminGroups) })
            b.Property(p).HasMaxLength(4000);
        b.Property(s => s.ProvisionCompany).HasMaxLength(256);
        b.Property(s => s.LdapType).HasMaxLength(32);
        b.Property(s => s.LdapHost).HasMaxLength(255);
        b.Property(s => s.LdapHost2).HasMaxLength(255);
        b.Property(s => s.LdapHost3).HasMaxLength(255);
        b.Property(s => s.LdapUsername).HasMaxLength(512);
        b.Property(s => s.LdapPasswordProtected).HasMaxLength(4096);
        b.Property(s => s.LdapDomain).HasMaxLength(255);
        b.Property(s => s.LdapBaseDn).HasMaxLength(1024);
        b.Property(s => s.LdapUsernameField).HasMaxLength(64);
        b.Property(s => s.LdapCaCertificate).HasMaxLength(64 * 1024);
        b.Property(s => s.IdentityAttribute).HasMaxLength(256);
        b.Property(s => s.ProtocolCacheError).HasMaxLength(2000);
        b.HasIndex(s => s.ProtocolCacheRefreshAt);
        b.HasOne<Gatehouse.Tenancy.Site>().WithMany().HasForeignKey(s => s.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}
