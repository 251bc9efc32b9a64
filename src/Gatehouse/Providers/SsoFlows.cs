using System.Text.Json;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Providers;

/// <summary>
/// Server-side, single-use state for browser flows (<see cref="SsoFlowState"/>). The browser gets an opaque
/// random handle (≤ 64 chars, so it fits SAML's 80-byte RelayState); consuming it is one conditional UPDATE,
/// so two nodes racing on the same handle cannot both win (replay).
/// </summary>
public sealed class SsoFlows(GatehouseDb db, IDataProtectionProvider dataProtection, TimeProvider time)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Gatehouse.Providers.SsoFlows.v1");

    public async Task<string> StartAsync<T>(string kind, long? strategyId, T data, TimeSpan lifetime, CancellationToken ct) =>
        (await StartAsync(kind, strategyId, _ => data, lifetime, ct)).Handle;

    /// <summary>Starts a flow whose data depends on its own handle (a SAML AuthnRequest carries the handle as RelayState,
    /// and the flow must keep that request's ID).</summary>
    public async Task<(string Handle, T Data)> StartAsync<T>(string kind, long? strategyId, Func<string, T> dataForHandle, TimeSpan lifetime, CancellationToken ct)
    {
        var handle = SessionTokens.New(24);
        var data = dataForHandle(handle);
        var now = time.GetUtcNow().UtcDateTime;
        db.SsoFlowStates.Add(new SsoFlowState
        {
            Kind = kind,
            SsoStrategyId = strategyId,
            HandleHash = SessionTokens.Hash(handle),
            DataProtected = _protector.Protect(JsonSerializer.Serialize(data)),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        await db.SaveChangesAsync(ct);
        return (handle, data);
    }

    /// <summary>A flow keyed by a secret the caller already holds (a session token: its logout data, found again
    /// at sign-out and dying with the session). Only the hash is stored, as for generated handles.</summary>
    public async Task StartWithHandleAsync<T>(string kind, long? strategyId, string handle, T data, DateTime expiresAt, CancellationToken ct)
    {
        db.SsoFlowStates.Add(new SsoFlowState
        {
            Kind = kind,
            SsoStrategyId = strategyId,
            HandleHash = SessionTokens.Hash(handle),
            DataProtected = _protector.Protect(JsonSerializer.Serialize(data)),
            CreatedAt = time.GetUtcNow().UtcDateTime,
            ExpiresAt = expiresAt,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Reads a live flow without using it up (e.g. to show the Authorize page).</summary>
    public async Task<(T Data, long? StrategyId)?> PeekAsync<T>(string kind, string? handle, CancellationToken ct)
    {
        var row = await FindLiveAsync(kind, handle, ct);
        return row is null ? null : (Read<T>(row), row.SsoStrategyId);
    }

    /// <summary>Uses a flow up; null when unknown, expired, of another kind or site, or already used.</summary>
    public async Task<(T Data, long? StrategyId)?> ConsumeAsync<T>(string kind, string? handle, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(handle) || handle.Length > 128) return null;
        var hash = SessionTokens.Hash(handle);
        var now = time.GetUtcNow().UtcDateTime;
        var won = await db.SsoFlowStates
            .Where(f => f.HandleHash == hash && f.Kind == kind && f.ConsumedAt == null && f.ExpiresAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.ConsumedAt, now), ct);
        if (won != 1) return null;
        var row = await db.SsoFlowStates.AsNoTracking().FirstAsync(f => f.HandleHash == hash, ct);
        return (Read<T>(row), row.SsoStrategyId);
    }

    private async Task<SsoFlowState?> FindLiveAsync(string kind, string? handle, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(handle) || handle.Length > 128) return null;
        var hash = SessionTokens.Hash(handle);
        var now = time.GetUtcNow().UtcDateTime;
        return await db.SsoFlowStates.AsNoTracking()
            .FirstOrDefaultAsync(f => f.HandleHash == hash && f.Kind == kind && f.ConsumedAt == null && f.ExpiresAt > now, ct);
    }

    private T Read<T>(SsoFlowState row) => JsonSerializer.Deserialize<T>(_protector.Unprotect(row.DataProtected))!;
}

/// <summary>Database replay cache shared by all nodes (SAML assertion IDs, OIDC codes).</summary>
public sealed class ReplayCache(GatehouseDb db, TimeProvider time)
{
    /// <returns>True the first time a key is seen; false when it was already used (a replay).</returns>
    public async Task<bool> TryAddAsync(string key, DateTime expiresAt, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (await db.ReplayCache.AnyAsync(r => r.Key == key, ct)) return false;
        var entry = new ReplayCacheEntry { Key = key, ExpiresAt = expiresAt < now ? now.AddMinutes(5) : expiresAt };
        db.ReplayCache.Add(entry);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node stored the same key between our check and insert: that is a replay too.
            db.Entry(entry).State = EntityState.Detached;
            return false;
        }
    }

    public Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return db.ReplayCache.Where(r => r.ExpiresAt < now).ExecuteDeleteAsync(ct);
    }
}
