using Gatehouse.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Persistence.Configurations;

public sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> b)
    {
        b.ToTable("groups");
        b.Property(g => g.Name).HasMaxLength(128);
        b.Property(g => g.NameNormalized).HasMaxLength(128);
        b.Property(g => g.Notes).HasMaxLength(2000);
        b.HasIndex(g => new { g.SiteId, g.NameNormalized }).IsUnique();
        b.HasOne<Gatehouse.Tenancy.Site>().WithMany().HasForeignKey(g => g.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class GroupUserConfiguration : IEntityTypeConfiguration<GroupUser>
{
    public void Configure(EntityTypeBuilder<GroupUser> b)
    {
        b.ToTable("group_users");
        b.HasIndex(m => new { m.GroupId, m.UserId }).IsUnique();
        b.HasIndex(m => new { m.SiteId, m.UserId });
        b.HasOne(m => m.Group).WithMany(g => g.Members).HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.User).WithMany(u => u.Memberships).HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
