using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Ldap;

/// <summary>
/// Runs directory sync on a schedule (Files.com: hourly) for enabled LDAP providers that provision users, on plans
/// with directory sync. <see cref="SsoStrategy.ProtocolCacheRefreshAt"/> is the next run; a node claims a run by
/// moving it forward with a conditional update, so two nodes never sync the same provider at once.
/// </summary>
public sealed class LdapSyncScheduler(IServiceScopeFactory scopes, IOptions<LdapOptions> options, TimeProvider time, ILogger<LdapSyncScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ScheduledSync) return;
        using var timer = new PeriodicTimer(options.Value.SchedulerTick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await RunDueAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LdapLog.SchedulerFailed(logger, e); // a bad pass must not stop later ones
            }
        }
    }

    /// <summary>One pass: every due provider of every site, each in its own site scope. Returns how many ran.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var interval = options.Value.SyncInterval;
        List<(long Id, long SiteId, DateTime? Due)> candidates;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            // Cross-site on purpose: the scheduler serves every site (IgnoreQueryFilters), then works inside each site's scope.
            var rows = await db.SsoStrategies.IgnoreQueryFilters()
                .Where(s => s.Protocol == ProviderKinds.Ldap && s.Enabled && s.ProvisionUsers && (s.ProtocolCacheRefreshAt == null || s.ProtocolCacheRefreshAt <= now))
                .Select(s => new { s.Id, s.SiteId, s.ProtocolCacheRefreshAt }).ToListAsync(ct);
            candidates = rows.Select(r => (r.Id, r.SiteId, r.ProtocolCacheRefreshAt)).ToList();
            // A provider never scheduled before gets its first run one interval from now, not at once.
            foreach (var fresh in candidates.Where(c => c.Due is null))
                await db.SsoStrategies.IgnoreQueryFilters().Where(s => s.Id == fresh.Id && s.ProtocolCacheRefreshAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.ProtocolCacheRefreshAt, now + interval), ct);
        }
        var ran = 0;
        foreach (var (id, siteId, due) in candidates.Where(c => c.Due is not null))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            var claimed = await db.SsoStrategies.IgnoreQueryFilters().Where(s => s.Id == id && s.ProtocolCacheRefreshAt == due)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ProtocolCacheRefreshAt, now + interval), ct);
            if (claimed == 0) continue; // another node took it
            var site = await db.Sites.FirstAsync(x => x.Id == siteId, ct);
            scope.ServiceProvider.GetRequiredService<CurrentSite>().Set(site);
            var strategy = await db.SsoStrategies.FirstOrDefaultAsync(s => s.Id == id, ct);
            if (strategy is null) continue;
            var result = await scope.ServiceProvider.GetRequiredService<LdapSync>().RunAsync(strategy, "scheduled", false, null, null, ct);
            if (result.Summary is not null) ran++;
        }
        return ran;
    }
}
