using System.Data.Common;
using System.Linq.Expressions;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Gatehouse.Import;

/// <summary>
/// Inserts many rows without change tracking, inside the caller's transaction: multi-row INSERTs of a prepared
/// command on SQLite, binary COPY on PostgreSQL. Tables, columns and value conversions come from the EF model, so
/// a column added to an entity later is written too (with its CLR default) instead of breaking the import.
/// </summary>
public sealed class BulkInsert(GatehouseDb db) : IDisposable
{
    private readonly bool _postgres = db.Database.IsNpgsql();
    private readonly Dictionary<(Type, bool, int), DbCommand> _commands = [];
    private DbConnection Connection => db.Database.GetDbConnection();
    private DbTransaction? Transaction => db.Database.CurrentTransaction?.GetDbTransaction();

    public async Task InsertAsync<T>(IReadOnlyList<T> rows, bool includeKey, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var table = BulkTable<T>.For(db, includeKey);
        if (_postgres) await CopyAsync(table, rows, ct);
        else
        {
            // Binding looks each parameter up by name (linear in the statement's parameters), so a statement's cost grows
            // with the square of its parameters: a few hundred per statement is the sweet spot.
            var perStatement = Math.Max(1, 256 / table.Columns.Count);
            for (var start = 0; start < rows.Count; start += perStatement)
                await InsertChunkAsync(table, rows, start, Math.Min(perStatement, rows.Count - start), ct);
        }
    }

    private async Task InsertChunkAsync<T>(BulkTable<T> table, IReadOnlyList<T> rows, int start, int count, CancellationToken ct) where T : class
    {
        var key = (typeof(T), table.IncludesKey, count);
        if (!_commands.TryGetValue(key, out var cmd))
        {
            cmd = Connection.CreateCommand();
            var values = new List<string>(count);
            for (var r = 0; r < count; r++)
            {
                var names = new string[table.Columns.Count];
                for (var c = 0; c < names.Length; c++)
                {
                    names[c] = $"@p{r}_{c}";
                    cmd.Parameters.Add(table.Columns[c].Mapping.CreateParameter(cmd, names[c], null, nullable: true));
                }
                values.Add("(" + string.Join(",", names) + ")");
            }
            cmd.CommandText = $"INSERT INTO {table.Name} ({table.ColumnList}) VALUES {string.Join(",", values)}";
            _commands[key] = cmd;
        }
        cmd.Transaction = Transaction;
        var i = 0;
        for (var r = start; r < start + count; r++)
            foreach (var column in table.Columns)
                cmd.Parameters[i++].Value = column.ProviderValue(rows[r]) ?? DBNull.Value;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task CopyAsync<T>(BulkTable<T> table, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        var conn = (NpgsqlConnection)Connection;
        await using var importer = await conn.BeginBinaryImportAsync($"COPY {table.Name} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var column in table.Columns)
            {
                var value = column.ProviderValue(row);
                if (value is null) await importer.WriteNullAsync(ct);
                else await importer.WriteAsync(value, column.Mapping.StoreTypeNameBase, ct);
            }
        }
        await importer.CompleteAsync(ct);
    }

    /// <summary>Reserves <paramref name="count"/> new ids of an entity's key, for rows whose children are written in the same run.</summary>
    public async Task<long[]> ReserveIdsAsync<T>(int count, CancellationToken ct) where T : class
    {
        var table = BulkTable<T>.For(db, includeKey: true);
        await using var cmd = Connection.CreateCommand();
        cmd.Transaction = Transaction;
        var ids = new long[count];
        if (_postgres)
        {
            // pg_get_serial_sequence parses the table name as SQL (quotes kept) but takes the column name literally.
            var column = table.KeyColumn.Trim('"').Replace("'", "''");
            cmd.CommandText = $"SELECT nextval(pg_get_serial_sequence('{table.Name.Replace("'", "''")}', '{column}')) FROM generate_series(1, {count})";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            for (var i = 0; await reader.ReadAsync(ct); i++) ids[i] = reader.GetInt64(0);
            return ids;
        }
        // SQLite: the transaction holds the write lock, so nobody else takes ids meanwhile. Start above both the
        // largest id and AUTOINCREMENT's high-water mark, so a deleted user's id is never handed out again.
        var raw = table.Name.Trim('"').Replace("'", "''");
        cmd.CommandText = $"SELECT MAX(COALESCE((SELECT MAX({table.KeyColumn}) FROM {table.Name}), 0), " +
                          $"COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{raw}'), 0))";
        var next = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct) ?? 0L);
        for (var i = 0; i < count; i++) ids[i] = ++next;
        return ids;
    }

    public void Dispose()
    {
        foreach (var c in _commands.Values) c.Dispose();
        _commands.Clear();
    }
}

/// <summary>An entity's table as the bulk writer sees it: quoted names, and per column a compiled getter and its type mapping.</summary>
internal sealed class BulkTable<T> where T : class
{
    private static readonly Dictionary<(Type, bool), BulkTable<T>> Cache = [];
    public required string Name { get; init; }
    public required string KeyColumn { get; init; }
    public required bool IncludesKey { get; init; }
    public required List<BulkColumn<T>> Columns { get; init; }
    public string ColumnList => string.Join(",", Columns.Select(c => c.QuotedName));

    public static BulkTable<T> For(DbContext db, bool includeKey)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue((db.GetType(), includeKey), out var cached)) return cached;
            var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
            var storeObject = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var key = entity.FindPrimaryKey()!.Properties.Single();
            var columns = entity.GetProperties()
                .Where(p => p.PropertyInfo is not null && (includeKey || !p.IsPrimaryKey()))
                .Select(p => new BulkColumn<T>(Quote(p.GetColumnName(storeObject)!), p.GetRelationalTypeMapping(), Getter(p.PropertyInfo!)))
                .ToList();
            var table = new BulkTable<T>
            {
                Name = Quote(entity.GetTableName()!), KeyColumn = Quote(key.GetColumnName(storeObject)!), IncludesKey = includeKey, Columns = columns,
            };
            Cache[(db.GetType(), includeKey)] = table;
            return table;
        }
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    private static Func<T, object?> Getter(System.Reflection.PropertyInfo property)
    {
        var e = Expression.Parameter(typeof(T));
        return Expression.Lambda<Func<T, object?>>(Expression.Convert(Expression.Property(e, property), typeof(object)), e).Compile();
    }
}

internal sealed record BulkColumn<T>(string QuotedName, RelationalTypeMapping Mapping, Func<T, object?> Get)
{
    public object? ProviderValue(T row)
    {
        var v = Get(row);
        return v is null ? null : Mapping.Converter is { } c ? c.ConvertToProvider(v) : v;
    }
}
