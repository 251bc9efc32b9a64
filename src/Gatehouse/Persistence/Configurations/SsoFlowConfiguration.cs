using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Persistence.Configurations;

public sealed class SsoIdentityLinkConfiguration : IEntityTypeConfiguration<SsoIdentityLink>
{
    public void Configure(EntityTypeBuilder<SsoIdentityLink> b)
    {
        b.ToTable("sso_identity_links");
        b.Property(l => l.Issuer).HasMaxLength(1024);
        b.Property(l => l.Subject).HasMaxLength(1024);
        b.HasIndex(l => new { l.SsoStrategyId, l.Issuer, l.Subject }).IsUnique();
        b.HasIndex(l => new { l.SiteId, l.UserId });
        b.HasOne<Gatehouse.Accounts.User>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SsoStrategy>().WithMany().HasForeignKey(l => l.SsoStrategyId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SsoFlowStateConfiguration : IEntityTypeConfiguration<SsoFlowState>
{
    public void Configure(EntityTypeBuilder<SsoFlowState> b)
    {
        b.ToTable("sso_flow_states");
        b.Property(f => f.Kind).HasMaxLength(32);
        b.Property(f => f.HandleHash).HasMaxLength(32);
        b.HasIndex(f => f.HandleHash).IsUnique();
        b.HasIndex(f => f.ExpiresAt);
        b.HasOne<Gatehouse.Tenancy.Site>().WithMany().HasForeignKey(f => f.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ReplayCacheEntryConfiguration : IEntityTypeConfiguration<ReplayCacheEntry>
{
    public void Configure(EntityTypeBuilder<ReplayCacheEntry> b)
    {
        b.ToTable("replay_cache");
        b.Property(r => r.Key).HasMaxLength(600);
        b.HasIndex(r => r.Key).IsUnique();
        b.HasIndex(r => r.ExpiresAt);
    }
}
