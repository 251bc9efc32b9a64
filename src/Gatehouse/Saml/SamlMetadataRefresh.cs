using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Saml;

/// <summary>Fetches IdP metadata from a provider's metadata URL through the outbound guard and keeps the last
/// good copy: a failure records the error for the admin and leaves the working configuration alone.</summary>
public sealed class SamlMetadataRefresh(GatehouseDb db, OutboundHttp outbound, TimeProvider time, IOptions<SamlOptions> options, ILogger<SamlMetadataRefresh> logger)
{
    public sealed record Fetched(SamlMetadataCache? Cache, TimeSpan RefreshIn, string? Error);

    /// <summary>Fetch and parse; <paramref name="entityId"/> selects the IdP in an aggregate (null: the document's only IdP).</summary>
    public async Task<Fetched> FetchAsync(string url, string? entityId, CancellationToken ct)
    {
        var o = options.Value;
        var fetched = await outbound.GetAsync(url, Gatehouse.Saml.IdpMetadataParser.DefaultMaxBytes, ct);
        if (!fetched.Succeeded) return new(null, o.RetryAfterFailure, fetched.Error);
        var parsed = Gatehouse.Saml.IdpMetadataParser.Parse(fetched.Body!, entityId);
        if (!parsed.Succeeded) return new(null, o.RetryAfterFailure, $"The metadata is not usable: {parsed.Error!.Message}");
        var m = parsed.Metadata!;
        var now = time.GetUtcNow();
        if (m.ValidUntil is { } until && until <= now) return new(null, o.RetryAfterFailure, $"The metadata expired at {until:u} (validUntil).");

        // SAML Metadata §2.2: re-fetch after cacheDuration and before validUntil, bounded to [min, max].
        var refreshIn = m.CacheDuration ?? o.DefaultRefreshInterval;
        if (m.ValidUntil is { } v && v - now < refreshIn) refreshIn = (v - now) / 2;
        if (refreshIn < o.MinRefreshInterval) refreshIn = o.MinRefreshInterval;
        if (refreshIn > o.MaxRefreshInterval) refreshIn = o.MaxRefreshInterval;
        return new(new SamlMetadataCache
        {
            Source = "url", Url = url, MetadataXml = System.Text.Encoding.UTF8.GetString(fetched.Body!), EntityId = m.EntityId,
            FetchedAt = now.UtcDateTime, ValidUntil = m.ValidUntil?.UtcDateTime, CacheDurationSeconds = (long?)m.CacheDuration?.TotalSeconds,
        }, refreshIn, null);
    }

    /// <summary>The stored form of a refresh error: when, then what (fits ProtocolCacheError).</summary>
    public string Stamp(string error)
    {
        var stamped = $"{time.GetUtcNow().UtcDateTime:yyyy-MM-dd HH:mm:ss}Z: {error}";
        return stamped.Length > 2000 ? stamped[..2000] : stamped;
    }

    /// <summary>Refreshes one provider in place (not saved). The entity ID must not change under a saved provider:
    /// that would move its cross-site credential key, so it is an error for the admin to confirm by saving.</summary>
    public async Task<string?> RefreshAsync(SsoStrategy s, CancellationToken ct)
    {
        if (s.SamlProviderMetadataUrl is not { } url) return null;
        var result = await FetchAsync(url, s.SamlProviderIssuerUrl, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var error = result.Error;
        if (error is null && s.SamlProviderIssuerUrl is { } issuer && result.Cache!.EntityId != issuer)
            error = $"The metadata now names the entity {result.Cache.EntityId} instead of {issuer}; save the provider again to accept it.";
        if (error is null && s.SamlProviderIssuerUrl is null)
        {
            // First good fetch of a provider saved while its IdP was unreachable: adopt the entity ID, unless another
            // provider (of any site) already uses it (CONTRACT §2 credential rule).
            var key = $"saml|{result.Cache!.EntityId}";
            if (await db.SsoStrategies.IgnoreQueryFilters().AnyAsync(x => x.CredentialKey == key && x.Id != s.Id, ct))
                error = $"The identity provider {result.Cache.EntityId} is already used by another provider; each site needs its own application at the identity provider.";
            else
            {
                s.SamlProviderIssuerUrl = result.Cache.EntityId;
                s.CredentialKey = key;
            }
        }
        s.ProtocolCacheRefreshAt = now + result.RefreshIn;
        if (error is null)
        {
            result.Cache!.Write(s);
            s.ProtocolCacheError = null;
            SamlLog.MetadataRefreshed(logger, s.Id);
            return null;
        }
        s.ProtocolCacheError = Stamp(error);
        SamlLog.MetadataRefreshFailed(logger, s.Id, error);
        return error;
    }
}

/// <summary>
/// Re-fetches due metadata URLs of every site (<see cref="SsoStrategy.ProtocolCacheRefreshAt"/>), and purges
/// the replay cache and expired raw responses kept in sso_events for diagnostics.
/// </summary>
public sealed class SamlMetadataRefreshService(IServiceScopeFactory scopes, IOptions<SamlOptions> options, TimeProvider time, ILogger<SamlMetadataRefreshService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            try
            {
                await RunDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // The database may be briefly unavailable; the next tick retries.
                SamlLog.RefreshLoopFailed(logger, e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: every due provider, then housekeeping. Public for tests and for a future CLI verb.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        List<(long Id, long SiteId)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            due = (await db.SsoStrategies.IgnoreQueryFilters()
                .Where(s => s.Protocol == ProviderKinds.Saml && s.SamlProviderMetadataUrl != null && (s.ProtocolCacheRefreshAt == null || s.ProtocolCacheRefreshAt <= now))
                .OrderBy(s => s.ProtocolCacheRefreshAt).Select(s => new { s.Id, s.SiteId }).Take(50).ToListAsync(ct))
                .Select(x => (x.Id, x.SiteId)).ToList();
        }
        foreach (var (id, siteId) in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            var site = await db.Sites.FirstOrDefaultAsync(x => x.Id == siteId, ct);
            if (site is null) continue;
            scope.ServiceProvider.GetRequiredService<CurrentSite>().Set(site);
            var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (s is null) continue;
            await scope.ServiceProvider.GetRequiredService<SamlMetadataRefresh>().RefreshAsync(s, ct);
            await db.SaveChangesAsync(ct);
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReplayCache>().PurgeExpiredAsync(ct);
            await AcsDiagnostics.PurgeRawResponsesAsync(scope.ServiceProvider.GetRequiredService<GatehouseDb>(), now - options.Value.RawResponseRetention, ct);
        }
        return due.Count;
    }
}
