using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Gatehouse.Persistence;

/// <summary>
/// SQLite's counterpart of Npgsql's automatic preparation: EF builds a new command for every query and save, and
/// Microsoft.Data.Sqlite compiles (<c>sqlite3_prepare</c>) every statement of a new command — parsing, resolving the
/// schema and generating code each time: most of the 21 % of a SCIM create's CPU spent in SQLite, much of it inside the
/// writer's turn (efcore#14044).
/// This interceptor runs EF's SQL on a command kept per connection and SQL text instead, whose compiled statements
/// Microsoft.Data.Sqlite reuses (reset and rebound), with EF's parameters and transaction. Only DML and SELECTs; a
/// command already running (a reader still open on it) is left to EF's own command; at most <see cref="PerConnection"/>
/// texts per connection, the least recently used evicted. The connection must stay open for the statements to
/// survive a request: <see cref="SqliteKeptOpenConnection"/>; on a connection that closes, the cache is dropped with it.
/// </summary>
internal sealed class SqliteStatementCache : DbCommandInterceptor
{
    public static readonly SqliteStatementCache Instance = new();
    internal const int PerConnection = 64;
    private static readonly ConditionalWeakTable<SqliteConnection, Statements> Caches = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Run(command, result, static e => e.Reader = e.Command.ExecuteReader()); // free again when EF disposes the reader

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Run(command, result, static e =>
        {
            var rows = e.Command.ExecuteNonQuery();
            e.Owner.Return(e);
            return rows;
        });

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        Run(command, result, static e =>
        {
            var value = e.Command.ExecuteScalar();
            e.Owner.Return(e);
            return value!;
        });

    // Microsoft.Data.Sqlite runs statements synchronously whichever API is called.
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ReaderExecuting(command, eventData, result));

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(NonQueryExecuting(command, eventData, result));

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ScalarExecuting(command, eventData, result));

    /// <summary>Runs EF's command on its cached counterpart, unless another interceptor answered or none is free.</summary>
    private static InterceptionResult<T> Run<T>(DbCommand command, InterceptionResult<T> result, Func<Entry, T> execute)
    {
        if (result.HasResult || Rent(command) is not { } entry) return result;
        try
        {
            return InterceptionResult<T>.SuppressWithResult(execute(entry));
        }
        catch
        {
            entry.Owner.Drop(entry);
            throw;
        }
    }

    /// <summary>EF closes a reader before it disposes it: the statements are reset by then, the command free again.</summary>
    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (command.Connection is SqliteConnection connection && Caches.TryGetValue(connection, out var statements))
            statements.ReaderDisposing(eventData.DataReader);
        return result;
    }

    /// <summary>Whether SQLite has a transaction open on this connection (a connection must not be kept open inside one).</summary>
    internal static bool HasOpenTransaction(SqliteConnection connection) =>
        connection.Handle is { } handle && raw.sqlite3_get_autocommit(handle) == 0;

    /// <summary>How many SQL texts this connection has compiled statements for (tests).</summary>
    internal static int CachedOn(SqliteConnection connection) => Caches.TryGetValue(connection, out var s) ? s.Count : 0;

    private static Entry? Rent(DbCommand command)
    {
        if (command is not SqliteCommand { Connection: { State: ConnectionState.Open } connection, CommandType: CommandType.Text } sqlite
            || !Cacheable(sqlite.CommandText)) return null;
        return Caches.GetValue(connection, Track).Rent(sqlite);
    }

    // Closing a connection disposes every command made on it: the cache goes with them (the object may be opened again).
    private static Statements Track(SqliteConnection connection)
    {
        connection.StateChange -= Forget; // once per connection object, however often it is reopened
        connection.StateChange += Forget;
        return new Statements(connection);
    }

    private static void Forget(object? sender, StateChangeEventArgs e)
    {
        if (e.CurrentState == ConnectionState.Closed && sender is SqliteConnection connection) Caches.Remove(connection);
    }

    /// <summary>Whether a reader is still open on one of this connection's cached commands (it holds a WAL snapshot).</summary>
    internal static bool IsReading(SqliteConnection connection) => Caches.TryGetValue(connection, out var s) && s.IsReading;

    // Schema changes and pragmas (migrations, checkpoints) run once; queries and writes repeat.
    private static bool Cacheable(string sql) =>
        sql.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
        || sql.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)
        || sql.StartsWith("WITH", StringComparison.OrdinalIgnoreCase);

    private sealed class Entry(Statements owner, SqliteCommand command)
    {
        public Statements Owner { get; } = owner;
        public SqliteCommand Command { get; } = command;
        public DbDataReader? Reader { get; set; }
        public bool Busy { get; set; }
        public long LastUse { get; set; }
    }

    /// <summary>One connection's commands. A connection is used by one request at a time, so no locking.</summary>
    private sealed class Statements(SqliteConnection connection)
    {
        private readonly Dictionary<string, Entry> _bySql = new(StringComparer.Ordinal);
        private long _clock;

        public int Count => _bySql.Count;

        public bool IsReading => _bySql.Values.Any(e => e.Reader is { IsClosed: false });

        public Entry? Rent(SqliteCommand efCommand)
        {
            if (!_bySql.TryGetValue(efCommand.CommandText, out var entry))
            {
                if (_bySql.Count >= PerConnection) EvictLeastRecent();
                var command = connection.CreateCommand();
                command.CommandText = efCommand.CommandText;
                entry = new Entry(this, command);
                _bySql[efCommand.CommandText] = entry;
            }
            if (entry.Busy) return null;
            entry.Busy = true;
            entry.LastUse = ++_clock;
            var cached = entry.Command;
            cached.Transaction = efCommand.Transaction;
            cached.CommandTimeout = efCommand.CommandTimeout;
            cached.Parameters.Clear();
            foreach (SqliteParameter p in efCommand.Parameters) cached.Parameters.Add(p);
            return entry;
        }

        public void ReaderDisposing(DbDataReader reader)
        {
            foreach (var entry in _bySql.Values)
            {
                if (!ReferenceEquals(entry.Reader, reader)) continue;
                // Closed already in EF's order; if not, its remaining statements still need the parameters when it closes.
                if (reader.IsClosed) Return(entry);
                else
                {
                    entry.Reader = null;
                    entry.Busy = false;
                }
                return;
            }
        }

        /// <summary>Frees the command and lets go of EF's parameters (their values may be secrets).</summary>
        public void Return(Entry entry)
        {
            entry.Reader = null;
            entry.Command.Parameters.Clear();
            entry.Command.Transaction = null;
            entry.Busy = false;
        }

        /// <summary>After a failed statement: compiled afresh next time rather than trusted.</summary>
        public void Drop(Entry entry)
        {
            _bySql.Remove(entry.Command.CommandText);
            entry.Command.Dispose();
        }

        private void EvictLeastRecent()
        {
            Entry? oldest = null;
            foreach (var e in _bySql.Values)
                if (!e.Busy && (oldest is null || e.LastUse < oldest.LastUse)) oldest = e;
            if (oldest is not null) Drop(oldest);
        }
    }
}
