using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Gatehouse.Persistence;

/// <summary>
/// Per-connection SQLite settings (they are not stored in the file). <c>synchronous=NORMAL</c> in WAL mode fsyncs at
/// checkpoints instead of at every commit: the database cannot be corrupted, but the last commits before a power cut
/// may be lost — the trade every WAL deployment makes, and what turned SCIM writes from fsync-bound (~70/s) into
/// CPU-bound. <c>busy_timeout</c> lets SQLite itself wait for the writer lock with short sleeps, instead of failing at
/// once into the provider's coarse retry loop. <c>journal_size_limit</c> gives the WAL file back down to 64 MB when the log
/// starts over after a burst. <c>wal_autocheckpoint=0</c> where <see cref="SqliteCheckpointer"/> checkpoints instead.
/// <c>journal_mode=WAL</c> is persistent and set once when migrating.
/// The pragmas run once per physical (native) connection and mode, not per open: Microsoft.Data.Sqlite pools the handles,
/// and <see cref="SqliteKeptOpenConnection"/> keeps a context's connection open between requests.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Common = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA journal_size_limit=67108864;";
    private const string Sql = Common + " PRAGMA wal_autocheckpoint=1000;"; // SQLite's default, restored on a handle reconfigured
    private const string WithBackgroundCheckpoints = Common + " PRAGMA wal_autocheckpoint=0;";

    private static string For(DbConnection connection) =>
        SqliteCheckpointer.Serves(connection.ConnectionString) ? WithBackgroundCheckpoints : Sql;
    private static readonly ConditionalWeakTable<object, object> Configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!NeedsPragmas(connection)) return;
        using var command = connection.CreateCommand();
        command.CommandText = For(connection);
        command.ExecuteNonQuery();
        MarkConfigured(connection, command.CommandText);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!NeedsPragmas(connection)) return;
        await using var command = connection.CreateCommand();
        command.CommandText = For(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        MarkConfigured(connection, command.CommandText);
    }

    // A handle configured for the other mode (opened before the checkpointer started) is configured again.
    private static bool NeedsPragmas(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || !Configured.TryGetValue(handle, out var applied) || applied as string != For(connection);

    private static void MarkConfigured(DbConnection connection, string applied)
    {
        if (connection is SqliteConnection { Handle: { } handle }) Configured.AddOrUpdate(handle, applied);
    }

    /// <summary>Whether this open connection runs with <c>wal_autocheckpoint=0</c> (the checkpointer's mode).</summary>
    internal static bool HasBackgroundCheckpointPragmas(SqliteConnection connection) =>
        connection.Handle is { } handle && Configured.TryGetValue(handle, out var applied) && applied as string == WithBackgroundCheckpoints;
}
