using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Gatehouse.Persistence;

/// <summary>
/// Per-connection SQLite settings (they are not stored in the file, so every pooled connection gets them when
/// opened). <c>synchronous=NORMAL</c> in WAL mode fsyncs at checkpoints instead of at every commit: the database
/// cannot be corrupted, but the last commits before a power cut may be lost — the trade every WAL deployment makes,
/// and what turned SCIM writes from fsync-bound (~70/s) into CPU-bound. <c>busy_timeout</c> lets SQLite itself wait
/// for the writer lock with short sleeps, instead of failing at once into the provider's coarse retry loop.
/// <c>journal_mode=WAL</c> is persistent and set once when migrating.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Sql = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
