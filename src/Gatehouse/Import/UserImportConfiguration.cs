using Gatehouse.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

// In the Configurations namespace so GatehouseDb picks it up with the others; kept beside the Import capability.
namespace Gatehouse.Persistence.Configurations;

public sealed class UserImportConfiguration : IEntityTypeConfiguration<UserImport>
{
    public void Configure(EntityTypeBuilder<UserImport> b)
    {
        b.ToTable("user_imports");
        b.Property(i => i.Status).HasMaxLength(16);
        b.Property(i => i.FileName).HasMaxLength(256);
        b.Property(i => i.FailureMessage).HasMaxLength(2000);
        b.Property(i => i.ClaimedBy).HasMaxLength(128);
        b.Property(i => i.CreatedBy).HasMaxLength(128);
        b.HasIndex(i => new { i.SiteId, i.Id });
        // The workers' look-up of imports to claim, across all sites.
        b.HasIndex(i => new { i.Status, i.HeartbeatAt });
        b.HasOne<Gatehouse.Tenancy.Site>().WithMany().HasForeignKey(i => i.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class UserImportChunkConfiguration : IEntityTypeConfiguration<UserImportChunk>
{
    public void Configure(EntityTypeBuilder<UserImportChunk> b)
    {
        b.ToTable("user_import_chunks");
        b.HasKey(c => new { c.ImportId, c.Seq });
        b.HasOne<UserImport>().WithMany().HasForeignKey(c => c.ImportId).OnDelete(DeleteBehavior.Cascade);
    }
}
