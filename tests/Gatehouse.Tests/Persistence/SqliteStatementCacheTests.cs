using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SQLitePCL;

namespace Gatehouse.Tests.Persistence;

/// <summary>
/// SQLite statements compiled once per connection and reused by later requests: the server's database set-up (pooled
/// contexts, the kept-open connection, the statement cache) on a private database, with or without this process's
/// checkpointer serving it. Each request is a DI scope, as in the server.
/// </summary>
public sealed class SqliteStatementCacheTests : IAsyncLifetime
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("gh-stmt-");
    private ServiceProvider services = null!;
    private IHostedService? checkpointer;
    private Site site = null!;

    public Task InitializeAsync() => StartAsync(withCheckpointer: true);

    private async Task StartAsync(bool withCheckpointer)
    {
        var collection = new ServiceCollection().AddLogging().AddScoped<CurrentSite>();
        collection.AddGatehouseDatabase(Config());
        services = collection.BuildServiceProvider();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            await DatabaseSetup.MigrateAsync(db, CancellationToken.None);
            site = await db.Sites.FirstOrDefaultAsync() ?? new Site { Subdomain = "acme", Plan = "premier", CreatedAt = DateTime.UtcNow };
            if (site.Id == 0)
            {
                db.Sites.Add(site);
                await db.SaveChangesAsync();
            }
        }
        if (!withCheckpointer) return;
        // The server starts its hosted services after migrating; the checkpointer is the one that matters here.
        checkpointer = services.GetServices<IHostedService>().OfType<SqliteCheckpointer>().Single();
        await checkpointer.StartAsync(CancellationToken.None);
    }

    private async Task StopAsync()
    {
        if (checkpointer is not null) await checkpointer.StopAsync(CancellationToken.None);
        checkpointer = null;
        await services.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        SqliteConnection.ClearAllPools();
        dir.Delete(true);
    }

    [Fact]
    public async Task AQuery_IsCompiledOnce_AndReusedByEveryLaterRequest_WithItsOwnParameters()
    {
        SqliteConnection? connection = null;
        // Statements prepared from now on on this handle can be listed (SQLitePCL tracks them only once asked to).
        await Request(async db =>
        {
            await db.Database.OpenConnectionAsync();
            connection = (SqliteConnection)db.Database.GetDbConnection();
            connection.Handle!.enable_sqlite3_next_stmt(true);
        });
        await SeedAsync("ann", "bob", "cid");

        var found = new List<string?>();
        foreach (var name in new[] { "ann", "bob", "cid", "nobody", "bob" })
            await Request(async db =>
            {
                Assert.Same(connection, db.Database.GetDbConnection());
                Assert.Equal(System.Data.ConnectionState.Open, connection!.State); // open between requests
                found.Add(await db.Users.Where(u => u.UsernameNormalized == name).Select(u => u.Username).FirstOrDefaultAsync());
            });

        Assert.Equal(["ann", "bob", "cid", null, "bob"], found);
        // One compiled statement ran all five times. Without the cache each run compiles (and finalizes) its own; without
        // the kept-open connection the end of each request finalizes it.
        var runs = Statements(connection!).Where(s => s.Sql.Contains("\"UsernameNormalized\" = @", StringComparison.Ordinal)).Select(s => s.Runs).ToList();
        Assert.Equal([5], runs);
    }

    [Fact]
    public async Task WritesRunOnCachedStatements_AndAFailedOneIsRecompiled_WithNothingLeftHalfDone()
    {
        await SeedAsync("taken");
        // The same INSERT four times over requests; the second request's batch fails on the unique index and rolls back.
        await SeedAsync("one");
        await Assert.ThrowsAsync<DbUpdateException>(() => SeedAsync("two", "taken"));
        await SeedAsync("three");
        await Request(async db =>
        {
            Assert.Equal(["taken", "one", "three"], await db.Users.OrderBy(u => u.Id).Select(u => u.Username).ToListAsync());
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            Assert.False(SqliteStatementCache.HasOpenTransaction(connection));
        });
    }

    [Fact]
    public async Task AStatementStillReading_IsNotReusedUnderIt_TheNestedQueryGetsItsOwn()
    {
        await SeedAsync("a", "b", "c");
        await Request(async db =>
        {
            IQueryable<string> After(long id) => db.Users.Where(u => u.Id > id).OrderBy(u => u.Id).Select(u => u.Username);
            var first = await db.Users.MinAsync(u => u.Id);
            var seen = new List<string>();
            // The outer reader streams on the cached command; the inner query has the same SQL and must not reset it.
            await foreach (var name in After(first - 1).AsAsyncEnumerable())
                seen.Add(name + ":" + string.Join(",", await After(first).ToListAsync()));
            Assert.Equal(["a:b,c", "b:b,c", "c:b,c"], seen);
            // And the cached command is free again afterwards.
            Assert.Equal(["b", "c"], await After(first).ToListAsync());
        });
    }

    [Fact]
    public async Task AKeptConnection_HoldsNoSnapshot_BetweenRequests_AndSeesWhatOthersCommitted()
    {
        await SeedAsync("first", "second", "third");
        // Queries that stop reading before their statement is done: one row of several, a LIMIT 2 single, an EXISTS.
        await Request(async db =>
        {
            Assert.NotNull(await db.Users.OrderBy(u => u.Id).Select(u => u.Username).FirstOrDefaultAsync());
            Assert.Equal("first", await db.Users.Where(u => u.Username == "first").Select(u => u.Username).SingleAsync());
            Assert.True(await db.Users.AnyAsync());
            await using var stream = db.Users.OrderBy(u => u.Id).AsAsyncEnumerable().GetAsyncEnumerator();
            Assert.True(await stream.MoveNextAsync()); // abandoned after one row
        });

        // Another connection commits a user.
        await using (var other = new SqliteGatehouseDb(new DbContextOptionsBuilder<SqliteGatehouseDb>()
            .UseSqlite(DatabaseSetup.SqliteConnectionString(Config())).Options))
        {
            var current = new CurrentSite();
            current.Set(site);
            other.BindSite(current);
            other.Users.Add(NewUser("fourth"));
            await other.SaveChangesAsync();
        }

        // An open read transaction left behind on the kept connection would still show three.
        await Request(async db =>
        {
            Assert.Equal(4, await db.Users.CountAsync());
            Assert.Equal("fourth", await db.Users.OrderByDescending(u => u.Id).Select(u => u.Username).FirstAsync());
            Assert.True(await db.Users.AnyAsync(u => u.Username == "fourth"));
        });
    }

    [Fact]
    public async Task ACachedStatement_SeesTheTransactionItRunsIn()
    {
        await Request(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            db.Users.Add(NewUser("inside"));
            await db.SaveChangesAsync();
            Assert.Equal(1, await db.Users.CountAsync(u => u.Username == "inside"));
            await tx.RollbackAsync();
            Assert.Equal(0, await db.Users.CountAsync(u => u.Username == "inside"));
        });
        await Request(async db => Assert.Equal(0, await db.Users.CountAsync(u => u.Username == "inside")));
    }

    [Fact]
    public async Task AConnection_KeepsAtMostItsShareOfStatements()
    {
        await Request(async db =>
        {
            for (var i = 0; i < SqliteStatementCache.PerConnection + 10; i++)
                Assert.Equal(i, await db.Database.SqlQueryRaw<int>($"SELECT {i} AS \"Value\"").SingleAsync());
            Assert.Equal(SqliteStatementCache.PerConnection, SqliteStatementCache.CachedOn((SqliteConnection)db.Database.GetDbConnection()));
        });
    }

    [Fact]
    public async Task WithoutTheCheckpointer_AConnectionClosesAtTheEndOfItsRequest_AsForTheCli()
    {
        await StopAsync();
        await StartAsync(withCheckpointer: false);
        SqliteConnection? connection = null;
        await Request(async db =>
        {
            Assert.Equal("acme", (await db.Sites.SingleAsync()).Subdomain);
            connection = (SqliteConnection)db.Database.GetDbConnection();
        });
        Assert.Equal(System.Data.ConnectionState.Closed, connection!.State);
    }

    [Fact]
    public async Task OnceTheCheckpointerStops_AKeptConnectionClosesAtTheEndOfItsNextRequest()
    {
        SqliteConnection? connection = null;
        await Request(async db =>
        {
            await db.Users.CountAsync();
            connection = (SqliteConnection)db.Database.GetDbConnection();
        });
        Assert.Equal(System.Data.ConnectionState.Open, connection!.State);
        await checkpointer!.StopAsync(CancellationToken.None);
        checkpointer = null;
        // Its pragmas leave checkpoints to a loop that no longer runs: the connection must not outlive this request.
        await Request(async db =>
        {
            Assert.Same(connection, db.Database.GetDbConnection());
            await db.Users.CountAsync();
        });
        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }

    private IConfiguration Config() =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Gatehouse:DataDirectory"] = dir.FullName }).Build();

    private async Task Request(Func<GatehouseDb, Task> work)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentSite>().Set(site);
        await work(scope.ServiceProvider.GetRequiredService<GatehouseDb>());
    }

    private Task SeedAsync(params string[] names) => Request(async db =>
    {
        foreach (var name in names) db.Users.Add(NewUser(name));
        await db.SaveChangesAsync();
    });

    private User NewUser(string name) => new() { SiteId = site.Id, Username = name, UsernameNormalized = name, CreatedAt = DateTime.UtcNow };

    private static List<(string Sql, int Runs)> Statements(SqliteConnection connection)
    {
        var all = new List<(string, int)>();
        for (var s = raw.sqlite3_next_stmt(connection.Handle, null); s is not null; s = raw.sqlite3_next_stmt(connection.Handle, s))
            all.Add((raw.sqlite3_sql(s).utf8_to_string(), raw.sqlite3_stmt_status(s, 6 /* SQLITE_STMTSTATUS_RUN */, 0)));
        return all;
    }
}
