using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Gatehouse.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Persistence;

/// <summary>
/// SQLite's write path in a running server: the WAL is checkpointed by one background loop (not by the requests that
/// commit), and SaveChanges calls queue in the process for the single writer lock — except inside an explicit
/// transaction, which may already hold that lock.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SqliteWritePathTests(GatehouseServer server)
{
    [Fact]
    public async Task ServerConnections_LeaveCheckpointsToTheBackgroundLoop_AndCapTheLogFile()
    {
        if (TestDatabase.IsPostgres) return; // SQLite only; the SQLite pass runs this
        var site = await server.CreateSiteAsync();
        await using var scope = server.SiteScope(site.Id, out var db);
        await db.Database.OpenConnectionAsync();
        try
        {
            Assert.Equal(0L, await PragmaAsync(db, "wal_autocheckpoint"));
            Assert.Equal(64L * 1024 * 1024, await PragmaAsync(db, "journal_size_limit"));
            Assert.Equal(1L, await PragmaAsync(db, "synchronous")); // NORMAL
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [Fact]
    public async Task WithoutTheLoop_ConnectionsKeepSQLitesOwnCheckpoints()
    {
        // A database no checkpointer serves (the CLI's case): SQLite's default threshold stays in force.
        var dir = Directory.CreateTempSubdirectory("gh-sqlite-");
        try
        {
            var cs = $"Data Source={Path.Combine(dir.FullName, "cli.db")};Pooling=False";
            var options = new DbContextOptionsBuilder<SqliteGatehouseDb>().UseSqlite(cs).AddInterceptors(new SqlitePragmas()).Options;
            await using var db = new SqliteGatehouseDb(options);
            await db.Database.OpenConnectionAsync();
            Assert.Equal(1000L, await PragmaAsync(db, "wal_autocheckpoint"));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task ATick_MakesALongLogStartOver_WhereItWouldOtherwiseKeepGrowing()
    {
        var dir = Directory.CreateTempSubdirectory("gh-sqlite-");
        try
        {
            var path = Path.Combine(dir.FullName, "wal.db");
            var cs = $"Data Source={path};Pooling=False";
            await using var writer = await OpenWithLongLogAsync(cs);
            var long_ = await WalBytesAfterOneMoreCommitAsync(writer, path);
            Assert.True(long_ > SqliteCheckpointer.RestartFrames * 4096L, $"the log file held {long_} bytes");

            // Control: with no tick the log keeps every frame and the next commit appends to it.
            Assert.True(await WalBytesAfterOneMoreCommitAsync(writer, path) > long_);

            await using (var checkpointer = new SqliteConnection(cs))
                await SqliteCheckpointer.CheckpointOnceAsync(checkpointer, CancellationToken.None);

            // After a tick every frame is in the database file and the next commit starts the log from its beginning.
            var after = await WalBytesAfterOneMoreCommitAsync(writer, path);
            Assert.True(after < 10 * 4096L, $"the log file held {after} bytes after the tick");
            Assert.Equal(1_203L, await ScalarAsync(writer, "SELECT count(*) FROM t"));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task ARestartThatCannotHaveItsTurn_GivesUpQuickly_AndLetsTheQueuedWritersOn()
    {
        var dir = Directory.CreateTempSubdirectory("gh-sqlite-");
        try
        {
            var cs = $"Data Source={Path.Combine(dir.FullName, "busy.db")};Pooling=False";
            await using var writer = await OpenWithLongLogAsync(cs);

            // Another writer holds SQLite's lock in a long transaction (an import chunk, another process).
            await using var holder = new SqliteConnection(cs);
            await holder.OpenAsync();
            await using var tx = holder.BeginTransaction();
            await ExecAsync(holder, "INSERT INTO t (v) VALUES (x'01')");

            var clock = System.Diagnostics.Stopwatch.StartNew();
            await using (var checkpointer = new SqliteConnection(cs))
                await SqliteCheckpointer.CheckpointOnceAsync(checkpointer, CancellationToken.None);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the restart held the writer queue for {clock.Elapsed}");
            Assert.Equal(1, SqliteWriteGate.For(cs).CurrentCount);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task ASaveChangesInsideATransaction_DoesNotQueueBehindAWriterWaitingForThatTransaction()
    {
        if (TestDatabase.IsPostgres) return; // the queue is SQLite's; the SQLite pass runs this
        var site = await server.CreateSiteAsync();
        await using var scopeA = server.SiteScope(site.Id, out var a);
        await using var scopeB = server.SiteScope(site.Id, out var b);

        // A holds SQLite's writer lock in an explicit transaction.
        await using var tx = await a.Database.BeginTransactionAsync();
        a.Users.Add(NewUser("in-tx-1"));
        await a.SaveChangesAsync();

        // B queues, takes the in-process queue's turn and waits at SQLite's lock for A.
        b.Users.Add(NewUser("outside"));
        // Microsoft.Data.Sqlite runs "async" commands synchronously: B blocks its own thread while it waits.
        var waiting = Task.Run(() => b.SaveChangesAsync());
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "B should wait for A's transaction");

        // A writes again inside its transaction: queued behind B it would wait for B, which waits for A (until SQLite's
        // 30-second busy timeout failed B).
        a.Users.Add(NewUser("in-tx-2"));
        var second = Task.Run(() => a.SaveChangesAsync());
        Assert.Same(second, await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(10))));
        await tx.CommitAsync();
        Assert.Same(waiting, await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(10))));
        await waiting;

        await using var check = server.SiteScope(site.Id, out var c);
        var names = await c.Users.Where(u => u.Username.StartsWith("in-tx-") || u.Username == "outside").Select(u => u.Username).ToListAsync();
        Assert.Equal(["in-tx-1", "in-tx-2", "outside"], names.Order());
    }

    [Fact]
    public async Task ManyConcurrentWriters_AllCommit()
    {
        var site = await server.CreateSiteAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            await using var scope = server.SiteScope(site.Id, out var db);
            db.Users.Add(NewUser($"w-{i}"));
            await db.SaveChangesAsync(ct);
        });
        await using var check = server.SiteScope(site.Id, out var c);
        Assert.Equal(200, await c.Users.CountAsync(u => u.Username.StartsWith("w-")));
    }

    private static User NewUser(string name) =>
        new() { Username = name, UsernameNormalized = name, CreatedAt = DateTime.UtcNow };

    private static async Task<long> PragmaAsync(GatehouseDb db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task ExecAsync(SqliteConnection c, string sql)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(SqliteConnection c, string sql)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>
    /// A new WAL database with no automatic checkpoint and 1,200 committed pages in its log. journal_size_limit=0: a log
    /// that starts over is cut back to what its first commit needs, so the file's size tells whether it started over
    /// (SQLite otherwise overwrites the old file in place).
    /// </summary>
    private static async Task<SqliteConnection> OpenWithLongLogAsync(string cs)
    {
        var writer = new SqliteConnection(cs);
        await writer.OpenAsync();
        await ExecAsync(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=0; CREATE TABLE t (v BLOB);");
        await WritePagesAsync(writer, 1_200);
        return writer;
    }

    /// <summary>About one page per row: 3,000-byte blobs in 4,096-byte pages.</summary>
    private static async Task WritePagesAsync(SqliteConnection c, int rows)
    {
        await using var tx = c.BeginTransaction();
        await using var command = c.CreateCommand();
        command.CommandText = "INSERT INTO t (v) VALUES (randomblob(3000))";
        for (var i = 0; i < rows; i++) await command.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    private static async Task<long> WalBytesAfterOneMoreCommitAsync(SqliteConnection c, string path)
    {
        await ExecAsync(c, "INSERT INTO t (v) VALUES (x'00')");
        return new FileInfo(path + "-wal").Length;
    }
}
