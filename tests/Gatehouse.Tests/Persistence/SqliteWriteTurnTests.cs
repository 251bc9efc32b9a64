using System.Data;
using System.Data.Common;
using Gatehouse.Accounts;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Gatehouse.Tests.Persistence;

/// <summary>
/// How a request uses its SQLite connection: a SaveChanges holds the writer queue's turn only from its first statement
/// to its COMMIT, and a request opens its connection once, not once per query. Each test has a database of its own, so
/// the shared server's background writers cannot touch its queue.
/// </summary>
public sealed class SqliteWriteTurnTests : IAsyncLifetime
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("gh-turn-");
    private readonly Probe probe = new();
    private string cs = "";
    private Site site = null!;

    public async Task InitializeAsync()
    {
        cs = $"Data Source={Path.Combine(dir.FullName, "turn.db")};Pooling=False";
        await using var db = NewContext();
        await DatabaseSetup.MigrateAsync(db, CancellationToken.None);
        site = new Site { Subdomain = "acme", Plan = "premier", CreatedAt = DateTime.UtcNow };
        db.Sites.Add(site);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        dir.Delete(true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ASaveChanges_HoldsTheTurn_FromItsFirstStatement_ToItsCommit()
    {
        await using var db = BoundContext();
        var gate = SqliteWriteGate.For(cs);
        db.SavingChanges += (_, _) => probe.Seen.Add(("saving", gate.CurrentCount));
        db.SavedChanges += (_, _) => probe.Seen.Add(("saved", gate.CurrentCount));
        probe.Gate = gate;

        db.Users.Add(NewUser("a"));
        db.Users.Add(NewUser("b")); // two INSERTs: EF wraps them in a transaction
        await db.SaveChangesAsync();

        // Free while EF detects changes and orders the commands, held by every statement, handed on at COMMIT — before
        // EF accepts the changes into the tracker.
        Assert.Equal(("saving", 1), probe.Seen[0]);
        Assert.Equal(("saved", 1), probe.Seen[^1]);
        var statements = probe.Seen.Where(s => s.What == "statement").ToList();
        Assert.Equal(2, statements.Count);
        Assert.All(statements, s => Assert.Equal(0, s.Free));
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task AFailedSaveChanges_HandsTheTurnOn_AndTheNextOneCommits()
    {
        await using var db = BoundContext();
        var gate = SqliteWriteGate.For(cs);
        db.Users.Add(NewUser("taken"));
        await db.SaveChangesAsync();

        db.Users.Add(NewUser("fresh"));
        db.Users.Add(NewUser("taken")); // the unique index refuses it inside the transaction
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Equal(1, gate.CurrentCount);
        db.ChangeTracker.Clear();

        db.Users.Add(NewUser("later"));
        var save = db.SaveChangesAsync();
        Assert.Same(save, await Task.WhenAny(save, Task.Delay(TimeSpan.FromSeconds(5))));
        await save;
        Assert.Equal(1, gate.CurrentCount);
        Assert.Equal(["later", "taken"], (await db.Users.Select(u => u.Username).ToListAsync()).Order());
    }

    [Fact]
    public async Task ASingleStatementSave_HoldsTheTurnForItsStatement_AndGivesItBack()
    {
        await using var db = BoundContext();
        var gate = SqliteWriteGate.For(cs);
        probe.Gate = gate;
        db.Users.Add(NewUser("solo"));
        await db.SaveChangesAsync();
        Assert.Equal([("statement", 0)], probe.Seen.Where(s => s.What == "statement"));
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task ARequest_OpensItsConnectionOnce_AndClosesIt_EvenWhenItFails()
    {
        await using var db = NewContext();
        var current = new CurrentSite();
        db.BindSite(current);
        probe.Opens = 0;
        var middleware = new SiteResolutionMiddleware(async http =>
        {
            for (var i = 0; i < 3; i++) await db.Users.CountAsync();
            if (http.Request.Path == "/fail") throw new InvalidOperationException("the endpoint failed");
        }, Options.Create(new GatehouseOptions()));

        await middleware.InvokeAsync(Request("/api/rest/v1/users"), current, db);
        // The site lookup and three queries on one open; without it, four opens and closes.
        Assert.Equal(1, probe.Opens);
        Assert.Equal(ConnectionState.Closed, db.Database.GetDbConnection().State);

        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.InvokeAsync(Request("/fail"), new CurrentSite(), db));
        Assert.Equal(2, probe.Opens);
        Assert.Equal(ConnectionState.Closed, db.Database.GetDbConnection().State);
    }

    [Fact]
    public async Task AnUnknownSite_Is404_AndLeavesNoConnectionOpen()
    {
        await using var db = NewContext();
        var current = new CurrentSite();
        db.BindSite(current);
        var middleware = new SiteResolutionMiddleware(_ => throw new InvalidOperationException("must not run"), Options.Create(new GatehouseOptions()));
        var http = Request("/api/rest/v1/users", "nosuch.localhost");
        await middleware.InvokeAsync(http, current, db);
        Assert.Equal(404, http.Response.StatusCode);
        Assert.Equal(ConnectionState.Closed, db.Database.GetDbConnection().State);
    }

    private static DefaultHttpContext Request(string path, string host = "acme.localhost")
    {
        var http = new DefaultHttpContext();
        http.Request.Host = new HostString(host);
        http.Request.Path = path;
        http.Response.Body = new MemoryStream();
        return http;
    }

    private SqliteGatehouseDb NewContext() =>
        new(new DbContextOptionsBuilder<SqliteGatehouseDb>().UseSqlite(cs)
            .AddInterceptors(new SqlitePragmas(), SqliteWriteTurn.Instance, probe, probe.Connections).Options);

    private SqliteGatehouseDb BoundContext()
    {
        var db = NewContext();
        var current = new CurrentSite();
        current.Set(site);
        db.BindSite(current);
        return db;
    }

    private static User NewUser(string name) => new() { Username = name, UsernameNormalized = name, CreatedAt = DateTime.UtcNow };

    /// <summary>Registered after <see cref="SqliteWriteTurn"/>: sees each statement once the turn has been taken for it.</summary>
    private sealed class Probe : DbCommandInterceptor
    {
        public SemaphoreSlim? Gate;
        public readonly List<(string What, int Free)> Seen = [];
        public int Opens;
        public readonly OpenCounter Connections;

        public Probe() => Connections = new OpenCounter(this);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (Gate is not null && command.CommandText.StartsWith("INSERT", StringComparison.Ordinal)) Seen.Add(("statement", Gate.CurrentCount));
            return ValueTask.FromResult(result);
        }

        public sealed class OpenCounter(Probe owner) : DbConnectionInterceptor
        {
            public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
            {
                owner.Opens++;
                return Task.CompletedTask;
            }
        }
    }
}
