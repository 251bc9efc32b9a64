using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Persistence;

/// <summary>
/// Moves the SQLite write-ahead log into the database file from one background loop, instead of from whichever request
/// commits past SQLite's 1,000-page threshold. Under steady writes with readers always present the log is not reset from
/// the commit path: it stays past the threshold and nearly every commit then runs a small checkpoint of its own, two
/// fsyncs included (profiled: ~210 fsyncs/s at ~470 SCIM creates/s). Here, once a second, a passive checkpoint copies
/// what it can without blocking anyone; once the log is long, a restart checkpoint — taken in the in-process writer queue,
/// so it does not have to win SQLite's lock by polling — finishes the copy and makes the next writer start the log over.
/// Request connections turn their own automatic checkpoint off only for a database this loop serves
/// (<see cref="SqlitePragmas"/>); the CLI, which starts no background services, keeps SQLite's default.
/// </summary>
public sealed class SqliteCheckpointer(string connectionString, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>Log length (pages) past which a tick restarts the log rather than letting it grow.</summary>
    public const int RestartFrames = 1_000;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly ConcurrentDictionary<string, int> Serving = new();

    /// <summary>Whether a checkpointer runs in this process for the database of this connection string.</summary>
    public static bool Serves(string connectionString) => Serving.TryGetValue(connectionString, out var n) && n > 0;

    // Registered before StartAsync returns (since .NET 10 ExecuteAsync starts on the thread pool, after it): the host's
    // first requests must already open their connections in this mode.
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Serving.AddOrUpdate(connectionString, 1, (_, n) => n + 1);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try { await base.StopAsync(cancellationToken); }
        finally { Serving.AddOrUpdate(connectionString, 0, (_, n) => n - 1); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            // Pooled connections opened before (migrations) would still checkpoint on their own: closed once handed back.
            SqliteConnection.ClearPool(connection);
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CheckpointOnceAsync(connection, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Never fatal: a failed tick leaves the log longer until the next one (an exception here would stop the host).
                    logger.LogWarning(e, "SQLite checkpoint failed; retrying in {Interval}", Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One tick: a passive checkpoint, then a restart if the log had grown past <see cref="RestartFrames"/>.</summary>
    internal static async Task CheckpointOnceAsync(SqliteConnection connection, CancellationToken ct)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(ct);
            // A restart waits this long for the readers of old frames and for a writer in an explicit transaction (an import
            // chunk), then gives up until the next tick: the in-process writers queue behind it meanwhile, so it stays short.
            await using var setup = connection.CreateCommand();
            setup.CommandText = "PRAGMA busy_timeout=200;";
            await setup.ExecuteNonQueryAsync(ct);
        }
        if (await CheckpointAsync(connection, "PASSIVE", ct) < RestartFrames) return;
        var gate = SqliteWriteGate.For(connection.ConnectionString);
        await gate.WaitAsync(ct);
        try { await CheckpointAsync(connection, "RESTART", ct); }
        finally { gate.Release(); }
    }

    /// <summary>Runs one checkpoint; returns the pages the log held.</summary>
    private static async Task<long> CheckpointAsync(SqliteConnection connection, string mode, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? reader.GetInt64(1) : 0;
    }
}
