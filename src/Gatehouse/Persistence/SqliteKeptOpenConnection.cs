using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Gatehouse.Persistence;

/// <summary>
/// A pooled context's SQLite connection that stays open between requests, so the statements
/// <see cref="SqliteStatementCache"/> prepared on it stay prepared: closing a <c>SqliteConnection</c> finalizes every
/// statement of its commands. An open connection with no statement running holds no lock and no WAL snapshot.
/// Kept open only while this process checkpoints the database (<see cref="SqliteCheckpointer"/>) and the connection
/// carries that mode's pragmas, and never inside a transaction or under an open reader: connections of a CLI run, or
/// opened before the checkpointer started, close as before, and once the checkpointer stops each closes at the end of
/// its next use. EF does not dispose a pooled context's connection when it drops the context (pool full, host
/// disposed); an idle one left open then is released with its native handle by the finalizer, or at process exit.
/// EF's SQLite connection class is internal API (EF1001): pinned with the 10.0.x packages and covered by
/// <c>SqliteStatementCacheTests</c>.
/// </summary>
#pragma warning disable EF1001
public sealed class SqliteKeptOpenConnection(
    RelationalConnectionDependencies dependencies, IRawSqlCommandBuilder rawSqlCommandBuilder, IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override void CloseDbConnection()
    {
        if (!KeepOpen()) base.CloseDbConnection();
    }

    protected override Task CloseDbConnectionAsync() => KeepOpen() ? Task.CompletedTask : base.CloseDbConnectionAsync();

    private bool KeepOpen() =>
        DbConnection is Microsoft.Data.Sqlite.SqliteConnection { State: ConnectionState.Open } c
        && SqliteCheckpointer.Serves(c.ConnectionString) && SqlitePragmas.HasBackgroundCheckpointPragmas(c)
        && !SqliteStatementCache.HasOpenTransaction(c) && !SqliteStatementCache.IsReading(c);
}
#pragma warning restore EF1001
