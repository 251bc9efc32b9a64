using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Sessions;
using Gatehouse.Tenancy;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Persistence;

/// <summary>
/// The one DbContext. Tenant isolation lives here and only here: every <see cref="ISiteScoped"/>
/// entity gets a global query filter on the current site, and new rows are stamped with it, so no
/// query can forget the site. Cross-site work (CLI, rate limiting) opts out with IgnoreQueryFilters.
/// Provider-specific subclasses exist only so each provider keeps its own migrations.
/// </summary>
public abstract class GatehouseDb : DbContext, IDataProtectionKeyContext
{
    // Contexts are pooled (DatabaseSetup): the scope's site is bound on every rent and unbound when the context goes
    // back to the pool, so a pooled context without a binding sees no site's rows and stamps no site on new ones.
    private CurrentSite currentSite = new();

    // EF pools only contexts with a single constructor taking the options.
    protected GatehouseDb(DbContextOptions options) : base(options) { }

    /// <summary>Ties a rented context to its request scope's site (see <see cref="DatabaseSetup"/>).</summary>
    internal void BindSite(CurrentSite site) => currentSite = site;

    public override void Dispose()
    {
        currentSite = new CurrentSite();
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        currentSite = new CurrentSite();
        return base.DisposeAsync();
    }

    /// <summary>Read by the query filters; EF parameterizes it per query.</summary>
    public long? CurrentSiteId => currentSite.Id;

    public DbSet<Site> Sites => Set<Site>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupUser> GroupUsers => Set<GroupUser>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<PublicKey> PublicKeys => Set<PublicKey>();
    public DbSet<UserSession> Sessions => Set<UserSession>();
    public DbSet<SsoEvent> SsoEvents => Set<SsoEvent>();
    public DbSet<Providers.SsoStrategy> SsoStrategies => Set<Providers.SsoStrategy>();
    public DbSet<Providers.SsoIdentityLink> SsoIdentityLinks => Set<Providers.SsoIdentityLink>();
    public DbSet<Providers.SsoFlowState> SsoFlowStates => Set<Providers.SsoFlowState>();
    public DbSet<Providers.ReplayCacheEntry> ReplayCache => Set<Providers.ReplayCacheEntry>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every time is UTC; SQLite hands DateTimes back unspecified, so mark them on the way in.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcConverter>();
    }

    private sealed class UtcConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Local ? v.Value.ToUniversalTime() : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc), v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GatehouseDb).Assembly,
            t => t.Namespace == typeof(GatehouseDb).Namespace + ".Configurations");
        ApplySiteFilters(modelBuilder);
    }

    private void ApplySiteFilters(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (!typeof(ISiteScoped).IsAssignableFrom(entity.ClrType)) continue;
            var method = typeof(GatehouseDb).GetMethod(nameof(SetSiteFilter),
                System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(entity.ClrType);
            method.Invoke(this, [modelBuilder]);
        }
    }

    private void SetSiteFilter<T>(ModelBuilder modelBuilder) where T : class, ISiteScoped
        => modelBuilder.Entity<T>().HasQueryFilter(e => e.SiteId == CurrentSiteId);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampSite();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampSite();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>New rows take the current site; a row of another site is never written through a site scope.</summary>
    private void StampSite()
    {
        foreach (var entry in ChangeTracker.Entries<ISiteScoped>())
        {
            if (entry.State == EntityState.Added && entry.Entity.SiteId == 0)
                entry.Entity.SiteId = currentSite.Id
                    ?? throw new InvalidOperationException($"{entry.Entity.GetType().Name} added without a site.");
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && currentSite.Id is { } siteId && entry.Entity.SiteId != siteId)
                throw new InvalidOperationException("Attempt to write another site's data.");
        }
    }
}

public sealed class SqliteGatehouseDb : GatehouseDb
{
    public SqliteGatehouseDb(DbContextOptions<SqliteGatehouseDb> options) : base(options) { }

    /// <summary>
    /// SaveChanges queues for SQLite's writer lock in <see cref="SqliteWriteGate"/>; <see cref="SqliteWriteTurn"/> takes
    /// the turn at its first statement. Not inside an explicit transaction: that one may already hold SQLite's lock, and a
    /// SaveChanges holding the turn would wait for it while it waits for the turn — it meets the others at SQLite's lock.
    /// </summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (Database.CurrentTransaction is not null) return base.SaveChanges(acceptAllChangesOnSuccess);
        WriteTurnWanted = SqliteWriteGate.For(Database.GetConnectionString()!);
        try { return base.SaveChanges(acceptAllChangesOnSuccess); }
        finally { GiveWriteTurn(); }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (Database.CurrentTransaction is not null) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        WriteTurnWanted = SqliteWriteGate.For(Database.GetConnectionString()!);
        try { return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken); }
        finally { GiveWriteTurn(); }
    }

    /// <summary>The queue of the SaveChanges running now (outside an explicit transaction); null otherwise.</summary>
    internal SemaphoreSlim? WriteTurnWanted { get; private set; }

    internal bool WriteTurnHeld { get; set; }

    /// <summary>Hands the turn on (at COMMIT, ROLLBACK or the end of SaveChanges, whichever comes first).</summary>
    internal void GiveWriteTurn()
    {
        if (WriteTurnHeld)
        {
            WriteTurnHeld = false;
            WriteTurnWanted!.Release();
        }
        WriteTurnWanted = null;
    }
}

public sealed class PostgresGatehouseDb : GatehouseDb
{
    public PostgresGatehouseDb(DbContextOptions<PostgresGatehouseDb> options) : base(options) { }
}
