using Gatehouse.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Persistence.Configurations;

public sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.Property(u => u.Username).HasMaxLength(128);
        b.Property(u => u.UsernameNormalized).HasMaxLength(128);
        b.HasIndex(u => new { u.SiteId, u.UsernameNormalized }).IsUnique();
        // A provider's users; with the method in it, counting a provider's SSO users (SCIM's unfiltered totalResults)
        // reads the index alone.
        b.HasIndex(u => new { u.SiteId, u.SsoStrategyId, u.AuthenticationMethod });
        b.Property(u => u.Name).HasMaxLength(256);
        b.Property(u => u.Email).HasMaxLength(256);
        b.Property(u => u.Company).HasMaxLength(256);
        b.Property(u => u.AuthenticationMethod).HasMaxLength(40);
        b.Property(u => u.PasswordHash).HasMaxLength(512);
        b.Property(u => u.ImportedPasswordHash).HasMaxLength(512);
        b.HasOne<Gatehouse.Tenancy.Site>().WithMany().HasForeignKey(u => u.SiteId).OnDelete(DeleteBehavior.Cascade);
        // A provider with users cannot disappear under them; the API explains this before the database has to.
        b.HasOne<Gatehouse.Providers.SsoStrategy>().WithMany().HasForeignKey(u => u.SsoStrategyId).OnDelete(DeleteBehavior.Restrict);
    }
}
