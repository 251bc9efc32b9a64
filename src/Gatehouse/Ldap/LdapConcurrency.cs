using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Gatehouse.Ldap;

/// <summary>
/// Caps concurrent directory work per site (security catalogue L6): a slow directory or a flood of sign-ins of one
/// site cannot take every thread of the process. One sync at a time per provider, on this node.
/// </summary>
public sealed class LdapConcurrency(IOptions<LdapOptions> options)
{
    private readonly ConcurrentDictionary<long, SemaphoreSlim> _perSite = new();
    private readonly ConcurrentDictionary<long, SemaphoreSlim> _syncPerProvider = new();

    public async Task<IDisposable?> EnterSiteAsync(long siteId, TimeSpan wait, CancellationToken ct)
    {
        var gate = _perSite.GetOrAdd(siteId, _ => new SemaphoreSlim(options.Value.MaxConcurrentPerSite));
        return await gate.WaitAsync(wait, ct) ? new Release(gate) : null;
    }

    public async Task<IDisposable> EnterSyncAsync(long strategyId, CancellationToken ct)
    {
        var gate = _syncPerProvider.GetOrAdd(strategyId, _ => new SemaphoreSlim(1));
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) gate.Release(); }
    }
}
