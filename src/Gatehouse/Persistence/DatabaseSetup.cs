using Gatehouse.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Persistence;

public static class DatabaseSetup
{
    public static bool IsPostgres(IConfiguration config) =>
        string.Equals(config["Gatehouse:Database:Provider"], "postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(config["Gatehouse:Database:Provider"], "postgresql", StringComparison.OrdinalIgnoreCase);

    public static string SqliteConnectionString(IConfiguration config)
    {
        var configured = config.GetConnectionString("Gatehouse");
        if (!string.IsNullOrWhiteSpace(configured) && !IsPostgres(config)) return configured;
        var dir = Path.GetFullPath(config["Gatehouse:DataDirectory"] ?? "data");
        Directory.CreateDirectory(dir);
        // Pooling keeps connections warm; the command timeout doubles as SQLite's busy wait. No Cache=Shared: a shared
        // cache locks whole tables between connections of the process, which serializes WAL readers behind the writer.
        return $"Data Source={Path.Combine(dir, "gatehouse.db")};Pooling=True;Default Timeout=30";
    }

    /// <summary>
    /// The configured PostgreSQL connection string, with Npgsql's automatic preparation on unless it says otherwise:
    /// a statement run twice on a connection is prepared there, so PostgreSQL stops parsing and planning the lookups
    /// every request makes (site, SCIM credential, filtered list) each time.
    /// </summary>
    public static string PostgresConnectionString(string configured)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare")) return configured;
        return new Npgsql.NpgsqlConnectionStringBuilder(configured) { MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 }.ConnectionString;
    }

    private static readonly SqlitePragmas Pragmas = new();

    /// <summary>Pooled SQLite contexts kept; each holds an open connection (three file descriptors) between requests.</summary>
    internal const int SqlitePoolSize = 128;

    public static IServiceCollection AddGatehouseDatabase(this IServiceCollection services, IConfiguration config)
    {
        if (IsPostgres(config))
        {
            var cs = config.GetConnectionString("Gatehouse")
                ?? throw new InvalidOperationException("Gatehouse__Database__Provider=postgres needs ConnectionStrings__Gatehouse.");
            // Options are built once (singleton), not per request: building them allocates EF's whole configuration.
            AddPooled<PostgresGatehouseDb>(services, o => o.UseNpgsql(PostgresConnectionString(cs)));
        }
        else
        {
            var cs = SqliteConnectionString(config);
            // EF rebuilds SQLite tables outside a transaction (PRAGMA foreign_keys) and warns about it on every fresh
            // database — the first thing a new user's `sites create` printed. Nothing to act on: kept at Debug.
            // The statement cache after the writer turn: a save takes its turn before its first statement runs. A pooled
            // context keeps its connection (and so its compiled statements) open: at most SqlitePoolSize of them.
#pragma warning disable EF1001 // EF's SQLite connection service (internal API), replaced by its kept-open subclass
            AddPooled<SqliteGatehouseDb>(services, o => o.UseSqlite(cs).AddInterceptors(Pragmas, SqliteWriteTurn.Instance, SqliteStatementCache.Instance)
                .ReplaceService<Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal.ISqliteRelationalConnection, SqliteKeptOpenConnection>()
                .ConfigureWarnings(w => w.Log((Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Debug))),
                SqlitePoolSize);
#pragma warning restore EF1001
            services.AddHostedService(sp => new SqliteCheckpointer(cs, sp.GetRequiredService<ILogger<SqliteCheckpointer>>()));
        }
        return services;
    }

    /// <summary>
    /// One context per request scope, rented from a pool: building a context's internal services costs more than some
    /// queries. The rent binds the scope's <see cref="CurrentSite"/> (the tenant filter); disposal unbinds it and hands
    /// the context back. Only <see cref="GatehouseDb"/> is registered: a second registration handing out the same instance
    /// would be disposed twice by the scope, and the second time could return a context another request has rented since.
    /// </summary>
    private static void AddPooled<T>(IServiceCollection services, Action<DbContextOptionsBuilder> configure, int poolSize = 1024) where T : GatehouseDb
    {
        services.AddPooledDbContextFactory<T>(configure, poolSize);
        // EF also registers T itself as a scoped rent of its own, bound to no site: nothing may take that path.
        services.RemoveAll<T>();
        services.AddScoped<GatehouseDb>(sp =>
        {
            var db = sp.GetRequiredService<IDbContextFactory<T>>().CreateDbContext();
            db.BindSite(sp.GetRequiredService<Tenancy.CurrentSite>());
            return db;
        });
    }

    /// <summary>
    /// Applies pending migrations. On PostgreSQL a session advisory lock serializes nodes that start at once.
    /// </summary>
    public static async Task MigrateAsync(GatehouseDb db, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // EF's own lock covers one migration at a time; nodes starting together must not interleave.
            await using var c = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
            await c.OpenAsync(ct);
            await using (var l = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(4711271)", c)) await l.ExecuteNonQueryAsync(ct);
            try { await db.Database.MigrateAsync(ct); }
            finally
            {
                await using var u = new Npgsql.NpgsqlCommand("SELECT pg_advisory_unlock(4711271)", c);
                await u.ExecuteNonQueryAsync(CancellationToken.None);
            }
            return;
        }
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's context without running the host.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteGatehouseDb>
{
    public SqliteGatehouseDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteGatehouseDb>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresGatehouseDb>
{
    public PostgresGatehouseDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresGatehouseDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
