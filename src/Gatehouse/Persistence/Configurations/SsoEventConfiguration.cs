using Gatehouse.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Persistence.Configurations;

public sealed class SsoEventConfiguration : IEntityTypeConfiguration<SsoEvent>
{
    public void Configure(EntityTypeBuilder<SsoEvent> b)
    {
        b.ToTable("sso_events");
        b.Property(e => e.EventType).HasMaxLength(64);
        b.Property(e => e.Status).HasMaxLength(32);
        b.Property(e => e.Reason).HasMaxLength(64);
        b.Property(e => e.Message).HasMaxLength(1000);
        b.Property(e => e.Username).HasMaxLength(128);
        b.Property(e => e.IdpUid).HasMaxLength(512);
        b.Property(e => e.Provider).HasMaxLength(32);
        b.Property(e => e.ProviderLabel).HasMaxLength(128);
        b.Property(e => e.Interface).HasMaxLength(32);
        b.Property(e => e.Ip).HasMaxLength(64);
        b.Property(e => e.UserAgent).HasMaxLength(512);
        b.HasIndex(e => new { e.SiteId, e.Id });
        // Per-IP sign-in rate limiting counts recent attempts across all sites.
        b.HasIndex(e => new { e.Ip, e.CreatedAt });
        b.HasOne<Gatehouse.Tenancy.Site>().WithMany().HasForeignKey(e => e.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}
