using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Persistence.Configurations;

public sealed class SiteConfiguration : IEntityTypeConfiguration<Site>
{
    public void Configure(EntityTypeBuilder<Site> b)
    {
        b.ToTable("sites");
        b.Property(s => s.Subdomain).HasMaxLength(63);
        b.HasIndex(s => s.Subdomain).IsUnique();
        b.Property(s => s.Plan).HasMaxLength(32);
    }
}
