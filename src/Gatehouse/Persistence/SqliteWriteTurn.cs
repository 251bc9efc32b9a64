using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Gatehouse.Persistence;

/// <summary>
/// Takes a SaveChanges' turn in <see cref="SqliteWriteGate"/> at its first statement — the BEGIN of the transaction EF
/// opens, or the lone command EF runs without one — and hands it on at COMMIT or ROLLBACK. Change detection, the
/// ordering of the commands and the SQL of the first ones EF prepares before its BEGIN then run outside the turn, in
/// parallel with the writer ahead: the turn is the one thing every write waits for (measured at ~1 ms held per SCIM
/// create, held ~80 % of the time). <see cref="SqliteGatehouseDb"/> marks the SaveChanges that want a turn and gives back one still held when
/// SaveChanges ends, whatever happened.
/// </summary>
internal sealed class SqliteWriteTurn : DbCommandInterceptor, IDbTransactionInterceptor
{
    public static readonly SqliteWriteTurn Instance = new();

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Take(eventData.Context);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await TakeAsync(eventData.Context, cancellationToken);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Give(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Give(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Give(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Give(eventData.Context);
        return Task.CompletedTask;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Take(eventData.Context);
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await TakeAsync(eventData.Context, cancellationToken);
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Take(eventData.Context);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await TakeAsync(eventData.Context, cancellationToken);
        return result;
    }

    private static void Take(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is SqliteGatehouseDb { WriteTurnWanted: { } gate, WriteTurnHeld: false } db)
        {
            gate.Wait();
            db.WriteTurnHeld = true;
        }
    }

    private static async ValueTask TakeAsync(Microsoft.EntityFrameworkCore.DbContext? context, CancellationToken ct)
    {
        if (context is SqliteGatehouseDb { WriteTurnWanted: { } gate, WriteTurnHeld: false } db)
        {
            await gate.WaitAsync(ct);
            db.WriteTurnHeld = true;
        }
    }

    private static void Give(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is SqliteGatehouseDb db) db.GiveWriteTurn();
    }
}
