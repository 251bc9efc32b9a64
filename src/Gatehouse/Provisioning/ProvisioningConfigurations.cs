using Gatehouse.Provisioning;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

// The DbContext applies configurations from this namespace only; the files live beside the capability they serve.
namespace Gatehouse.Persistence.Configurations;

public sealed class ScimUserProfileConfiguration : IEntityTypeConfiguration<ScimUserProfile>
{
    public void Configure(EntityTypeBuilder<ScimUserProfile> b)
    {
        b.ToTable("scim_user_profiles");
        b.HasIndex(p => p.UserId).IsUnique();
        // externalId is the client's immutable key: unique per provider (RFC 7643 §3.1 leaves it to the client; we hold it to one user).
        // ExternalId leads: on PostgreSQL ScimUsers.Visible matches the provider as "SsoStrategyId + 0" (see there), so an
        // index led by SsoStrategyId could not serve an externalId lookup. (SsoStrategyId, UserId) serves the foreign key
        // and SQLite's join, one row per probe.
        b.HasIndex(p => new { p.ExternalId, p.SsoStrategyId }).IsUnique();
        b.HasIndex(p => new { p.SsoStrategyId, p.UserId });
        // The profiles a provider DELETEd (deprovision_behavior=disable), subtracted from the unfiltered list's count.
        // Partial: only those rows are in it, so a create or an update of a live user does not write to it.
        // The filter reads the same in SQLite and PostgreSQL.
        b.HasIndex(p => new { p.SsoStrategyId, p.UserId }, "IX_scim_user_profiles_Deleted").HasFilter("\"Deleted\"");
        b.Property(p => p.ExternalId).HasMaxLength(256);
        b.Property(p => p.AttributesJson).HasMaxLength(32_768);
        b.HasOne(p => p.User).WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Gatehouse.Providers.SsoStrategy>().WithMany().HasForeignKey(p => p.SsoStrategyId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ScimGroupLinkConfiguration : IEntityTypeConfiguration<ScimGroupLink>
{
    public void Configure(EntityTypeBuilder<ScimGroupLink> b)
    {
        b.ToTable("scim_groups");
        b.HasIndex(g => g.GroupId).IsUnique();
        b.HasIndex(g => new { g.SsoStrategyId, g.ExternalId }).IsUnique();
        b.Property(g => g.ExternalId).HasMaxLength(256);
        b.HasOne(g => g.Group).WithMany().HasForeignKey(g => g.GroupId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Gatehouse.Providers.SsoStrategy>().WithMany().HasForeignKey(g => g.SsoStrategyId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ScimRequestLogConfiguration : IEntityTypeConfiguration<ScimRequestLog>
{
    public void Configure(EntityTypeBuilder<ScimRequestLog> b)
    {
        b.ToTable("scim_logs");
        b.HasIndex(l => new { l.SiteId, l.Id });
        b.HasIndex(l => l.CreatedAt);
        b.Property(l => l.RequestPath).HasMaxLength(2048);
        b.Property(l => l.RequestMethod).HasMaxLength(16);
        b.Property(l => l.UserAgent).HasMaxLength(512);
        b.HasOne<Gatehouse.Tenancy.Site>().WithMany().HasForeignKey(l => l.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ScimDeactivationConfiguration : IEntityTypeConfiguration<ScimDeactivation>
{
    public void Configure(EntityTypeBuilder<ScimDeactivation> b)
    {
        b.ToTable("scim_deactivations");
        b.HasIndex(d => new { d.SsoStrategyId, d.CreatedAt });
        b.HasOne<Gatehouse.Providers.SsoStrategy>().WithMany().HasForeignKey(d => d.SsoStrategyId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ScimHoldConfiguration : IEntityTypeConfiguration<ScimHold>
{
    public void Configure(EntityTypeBuilder<ScimHold> b)
    {
        b.ToTable("scim_holds");
        b.HasIndex(h => new { h.SsoStrategyId, h.Status });
        b.Property(h => h.Status).HasMaxLength(16);
        b.Property(h => h.ApprovedBy).HasMaxLength(128);
        b.HasOne<Gatehouse.Providers.SsoStrategy>().WithMany().HasForeignKey(h => h.SsoStrategyId).OnDelete(DeleteBehavior.Cascade);
    }
}
