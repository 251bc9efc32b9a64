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
public sealed class ScimRequestLogQueue : BackgroundService
{
    private const int MaxBatch = 500;
    /// <summary>
    /// Rows waiting for the database at most: if it stalls while an IdP keeps sending, memory stays bounded and the
    /// newest rows are dropped (counted and logged) — the SCIM operations themselves are unaffected.
    /// </summary>
    public const int Capacity = 50_000;
    private readonly Channel<ScimRequestLog> pending;
    private long dropped;
    // Rows leave the channel only under this lock, so a flush that holds it has seen every row enqueued before it.
    private readonly SemaphoreSlim writing = new(1, 1);

    private readonly IServiceScopeFactory scopes;
    private readonly ILogger<ScimRequestLogQueue> logger;

    public ScimRequestLogQueue(IServiceScopeFactory scopes, ILogger<ScimRequestLogQueue> logger) : this(scopes, logger, Capacity) { }

    public ScimRequestLogQueue(IServiceScopeFactory scopes, ILogger<ScimRequestLogQueue> logger, int capacity)
    {
        this.scopes = scopes;
        this.logger = logger;
        pending = Channel.CreateBounded<ScimRequestLog>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = false },
            _ => Interlocked.Increment(ref dropped));
    }

    public void Enqueue(ScimRequestLog entry) => pending.Writer.TryWrite(entry);

    /// <summary>Rows dropped because the queue was full, since the last batch reported them.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

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
        if (Interlocked.Exchange(ref dropped, 0) is var lost and > 0) ScimLog.RequestLogDropped(logger, lost, Capacity);
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
