using Gatehouse.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Persistence.Configurations;

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.Property(k => k.Name).HasMaxLength(256);
        b.Property(k => k.Description).HasMaxLength(2000);
        b.Property(k => k.DescriptiveLabel).HasMaxLength(32);
        b.Property(k => k.PermissionSet).HasMaxLength(32);
        b.Property(k => k.KeyHash).HasMaxLength(32);
        // Look-up by hash happens before the site is known (the key names the site), so it is unique globally.
        b.HasIndex(k => k.KeyHash).IsUnique();
        b.HasIndex(k => new { k.SiteId, k.UserId });
        b.HasOne(k => k.User).WithMany(u => u.ApiKeys).HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PublicKeyConfiguration : IEntityTypeConfiguration<PublicKey>
{
    public void Configure(EntityTypeBuilder<PublicKey> b)
    {
        b.ToTable("public_keys");
        b.Property(k => k.Title).HasMaxLength(256);
        b.Property(k => k.KeyText).HasMaxLength(16384);
        b.Property(k => k.Algorithm).HasMaxLength(64);
        b.Property(k => k.Fingerprint).HasMaxLength(64);
        b.Property(k => k.FingerprintSha256).HasMaxLength(64);
        b.HasIndex(k => new { k.SiteId, k.UserId });
        b.HasIndex(k => new { k.SiteId, k.FingerprintSha256 }).IsUnique();
        b.HasOne(k => k.User).WithMany(u => u.PublicKeys).HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
