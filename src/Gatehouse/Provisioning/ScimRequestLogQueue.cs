using System.Threading.Channels;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Provisioning;

/// <summary>
/// Writes SCIM request-log rows in batches, off the request path. One commit per log row doubled the cost of every
/// SCIM request (SQLite has one writer; each commit is a WAL append and, on PostgreSQL, a WAL flush): here the rows
/// that arrive while a batch is being written go together in the next one, so under load a request costs its own
/// commit only. Rows land in the database within one batch's time; <see cref="FlushAsync"/> lets the admin's reads
/// on this node see their own requests at once, and stopping the host writes what is left.
/// </summary>
public sealed class ScimRequestLogQueue(IServiceScopeFactory scopes, ILogger<ScimRequestLogQueue> logger) : BackgroundService
{
    private const int MaxBatch = 500;
    private readonly Channel<ScimRequestLog> pending = Channel.CreateUnbounded<ScimRequestLog>(new UnboundedChannelOptions { SingleReader = false });
    // Rows leave the channel only under this lock, so a flush that holds it has seen every row enqueued before it.
    private readonly SemaphoreSlim writing = new(1, 1);

    public void Enqueue(ScimRequestLog entry) => pending.Writer.TryWrite(entry);

    /// <summary>Writes every row enqueued so far before returning.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await writing.WaitAsync(ct);
        try
        {
            while (pending.Reader.TryPeek(out _)) await WriteBatchAsync();
        }
        finally
        {
            writing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await pending.Reader.WaitToReadAsync(stoppingToken))
            {
                await writing.WaitAsync(stoppingToken);
                try
                {
                    await WriteBatchAsync();
                }
                finally
                {
                    writing.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(CancellationToken.None);
    }

    private async Task WriteBatchAsync()
    {
        var batch = new List<ScimRequestLog>();
        while (batch.Count < MaxBatch && pending.Reader.TryRead(out var entry)) batch.Add(entry);
        if (batch.Count == 0) return;
        try
        {
            await SaveAsync(batch);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // One bad row (its site deleted meanwhile) must not lose the others: write them one by one.
            foreach (var entry in batch)
            {
                try { await SaveAsync([entry]); }
                catch (Exception one) when (one is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
                {
                    // Losing a log line must not turn a completed SCIM operation into an error for the IdP.
                    ScimLog.RequestLogFailed(logger, one);
                }
            }
        }
    }

    private async Task SaveAsync(IReadOnlyList<ScimRequestLog> rows)
    {
        await using var scope = scopes.CreateAsyncScope();
        // No site in this scope: every row carries the SiteId of the request that produced it.
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var row in rows)
        {
            row.Id = 0;
            db.Add(row);
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
