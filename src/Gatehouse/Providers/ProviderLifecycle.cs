using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Providers;

public sealed record AssignedUsers(int Count, IReadOnlyList<string> Usernames);

public sealed record MoveUsersResult(int Moved, IReadOnlyList<string> Usernames, string? Error = null);

/// <summary>What happens to users and sessions when a provider is disabled, removed, or its users move.</summary>
public sealed class ProviderLifecycle(GatehouseDb db, SessionService sessions, AuditLog audit, TimeProvider time)
{
    public async Task<AssignedUsers> AssignedAsync(long strategyId, CancellationToken ct, int sample = 20)
    {
        var query = db.Users.Where(u => u.SsoStrategyId == strategyId);
        var count = await query.CountAsync(ct);
        var names = await query.OrderBy(u => u.UsernameNormalized).Select(u => u.Username).Take(sample).ToListAsync(ct);
        return new AssignedUsers(count, names);
    }

    /// <summary>
    /// A disabled provider's users lose every web and API session at once (their API keys and SSH keys stay
    /// valid, as in Files.com); optionally the users themselves are disabled too.
    /// </summary>
    public async Task<int> OnDisabledAsync(SsoStrategy s, bool disableUsers, CancellationToken ct)
    {
        var revoked = await sessions.RevokeAsync(db.Sessions.Where(x => x.User.SsoStrategyId == s.Id), "provider_disabled", ct);
        if (disableUsers)
            await db.Users.Where(u => u.SsoStrategyId == s.Id && !u.Disabled).ExecuteUpdateAsync(u => u.SetProperty(x => x.Disabled, true), ct);
        return revoked;
    }

    /// <summary>Moves all, or the given, users of one provider to another of the same site, in one transaction.</summary>
    public async Task<MoveUsersResult> MoveUsersAsync(SsoStrategy from, SsoStrategy to, IReadOnlyCollection<long>? userIds, bool dryRun,
        string actor, HttpContext http, CancellationToken ct)
    {
        if (from.Id == to.Id) return new(0, [], "The source and the destination are the same provider.");
        var query = db.Users.Where(u => u.SsoStrategyId == from.Id);
        if (userIds is not null)
        {
            var found = await query.Where(u => userIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
            var missing = userIds.Except(found).ToList();
            if (missing.Count > 0) return new(0, [], $"These users are not assigned to \"{from.Label}\": {string.Join(", ", missing.Take(20))}.");
            query = query.Where(u => userIds.Contains(u.Id));
        }
        var users = await query.OrderBy(u => u.UsernameNormalized).Select(u => new { u.Id, u.Username }).ToListAsync(ct);
        var usernames = users.Select(u => u.Username).ToList();
        if (dryRun) return new(users.Count, usernames);

        var ids = users.Select(u => u.Id).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.Users.Where(u => ids.Contains(u.Id)).ExecuteUpdateAsync(u => u.SetProperty(x => x.SsoStrategyId, to.Id), ct);
        // Their sessions came from the old provider; they sign in again through the new one.
        await sessions.RevokeAsync(db.Sessions.Where(x => ids.Contains(x.UserId)), "moved_to_other_provider", ct);
        audit.Add(SsoEventTypes.ProviderChange, true, "users_moved",
            $"{actor} moved {moved} user(s) from \"{from.Label}\" to \"{to.Label}\"", username: actor, @interface: "admin", http: http,
            provider: to.Provider, providerLabel: to.Label, ssoStrategyId: to.Id,
            body: System.Text.Json.JsonSerializer.Serialize(new { from_sso_strategy_id = from.Id, to_sso_strategy_id = to.Id, usernames }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(moved, usernames);
    }

    /// <summary>Generates SCIM credentials as the chosen method needs; returns the secrets once.</summary>
    public (string? Token, string? Password) IssueScimCredentials(SsoStrategy s, bool reset)
    {
        string? token = null, password = null;
        var now = time.GetUtcNow().UtcDateTime;
        if (s.ScimAuthenticationMethod == "token" && (reset || s.ScimTokenHash is null))
        {
            token = "scim_" + SessionTokens.New(32);
            s.ScimTokenHash = SessionTokens.Hash(token);
            if (reset || s.ScimTokenExpiresAt is null || s.ScimTokenExpiresAt <= now) s.ScimTokenExpiresAt = now.AddYears(1);
        }
        if (s.ScimAuthenticationMethod == "basic" && (reset || s.ScimPasswordHash is null))
        {
            s.ScimUsername = "scim_" + SessionTokens.New(6);
            password = SessionTokens.New(24);
            s.ScimPasswordHash = SessionTokens.Hash(password);
        }
        if (s.ScimAuthenticationMethod == "none")
        {
            s.ScimTokenHash = null;
            s.ScimTokenExpiresAt = null;
            s.ScimUsername = null;
            s.ScimPasswordHash = null;
        }
        return (token, password);
    }
}
