using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Import;

/// <summary>
/// Claims queued imports of any site and runs them, one at a time per node. A claim is a conditional UPDATE
/// (only if nobody holds the import, or its holder stopped beating), so two nodes never run one import; a node
/// that dies mid-run leaves a rolled-back transaction, and the next node starts that import over.
/// </summary>
public sealed class ImportWorker(IServiceScopeFactory scopes, UserImportRunner runner, ImportSignal signal, IOptions<ImportOptions> options,
    TimeProvider time, ILogger<ImportWorker> log) : BackgroundService
{
    public static readonly string Node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.RunWorker) return;
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var ran = false;
                foreach (var id in await CandidatesAsync(stoppingToken))
                    if (await ClaimAsync(id, stoppingToken))
                    {
                        await runner.RunAsync(id, Node, stoppingToken);
                        ran = true;
                    }
                await ForgetOldDryRunFilesAsync(stoppingToken);
                if (!ran) await signal.WaitAsync(o.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                ImportLog.WorkerFailed(log, e);
                try { await Task.Delay(o.PollInterval, time, stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task<List<long>> CandidatesAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var stale = time.GetUtcNow().UtcDateTime - options.Value.StaleAfter;
        return await db.Set<UserImport>().IgnoreQueryFilters()
            .Where(i => (i.Status == ImportStatus.Validating || i.Status == ImportStatus.Importing) && (i.ClaimedBy == null || i.HeartbeatAt < stale))
            .OrderBy(i => i.Id).Select(i => i.Id).Take(10).ToListAsync(ct);
    }

    /// <summary>The conditional UPDATE: true when this node now holds the import. Too many lost runs end it as failed.</summary>
    private async Task<bool> ClaimAsync(long id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var now = time.GetUtcNow().UtcDateTime;
        var stale = now - options.Value.StaleAfter;
        var imports = db.Set<UserImport>().IgnoreQueryFilters();
        var max = options.Value.MaxAttempts;
        var claimable = imports.Where(i => i.Id == id && (i.Status == ImportStatus.Validating || i.Status == ImportStatus.Importing)
                                           && (i.ClaimedBy == null || i.HeartbeatAt < stale));
        if (await claimable.Where(i => i.Attempts >= max).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Status, ImportStatus.Failed).SetProperty(i => i.CompletedAt, now)
                .SetProperty(i => i.FailureMessage, "The import was interrupted too many times and was rolled back each time; nothing was imported. Try again."), ct) > 0)
        {
            await ImportFileStore.DeleteAsync(db, id, ct);
            return false;
        }
        var claimed = await claimable.ExecuteUpdateAsync(s => s
            .SetProperty(i => i.ClaimedBy, Node).SetProperty(i => i.HeartbeatAt, now)
            .SetProperty(i => i.Status, ImportStatus.Validating).SetProperty(i => i.Attempts, i => i.Attempts + 1), ct) == 1;
        if (claimed)
        {
            var siteId = await imports.Where(i => i.Id == id).Select(i => new { i.SiteId, i.Attempts }).FirstAsync(ct);
            ImportLog.Claimed(log, id, siteId.SiteId, Node, siteId.Attempts);
        }
        return claimed;
    }

    /// <summary>A clean dry run waits for confirmation only so long; then its file (which may hold passwords) is deleted.</summary>
    private async Task ForgetOldDryRunFilesAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var before = time.GetUtcNow().UtcDateTime - options.Value.DryRunFileLifetime;
        var old = db.Set<UserImport>().IgnoreQueryFilters().Where(i => i.DryRun && i.Status == ImportStatus.Completed && i.CompletedAt < before).Select(i => i.Id);
        await db.Set<UserImportChunk>().Where(c => old.Contains(c.ImportId)).ExecuteDeleteAsync(ct);
    }
}
