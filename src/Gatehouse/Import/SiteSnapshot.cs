using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Import;

public sealed record ExistingUser(long Id, string Username, string Method, long? SsoStrategyId, bool SiteAdmin, bool Disabled,
    bool ExternallyManaged, bool HasPasswordHash, bool HasImportedHash, string? Email, string? Name, string? Company)
{
    public bool IsBreakGlass => SiteAdmin && !Disabled
        && ((Method == AuthenticationMethods.Password && HasPasswordHash) || (Method == AuthenticationMethods.PasswordWithImportedHash && HasImportedHash));
}

public sealed record ProviderRef(long Id, string Label, string LabelNormalized, bool Enabled);

/// <summary>
/// What the rules need to know about the site, read once per pass with a few set-based queries (never one per row):
/// users by normalized username, groups, providers, SSH key owners, the plan, the break-glass admins.
/// </summary>
public sealed class SiteSnapshot
{
    public required string PlanName { get; init; }
    public required PlanLimits Plan { get; init; }
    public required Dictionary<string, ExistingUser> Users { get; init; }
    public required Dictionary<string, (long Id, string Name)> Groups { get; init; }
    public required List<ProviderRef> Providers { get; init; }
    public required Dictionary<string, long> KeyOwners { get; init; }
    /// <summary>Immutable keys (SCIM externalId) held per provider: (provider id, key) → the user holding it.</summary>
    public required Dictionary<(long StrategyId, string ExternalId), (long UserId, string Username)> ExternalIds { get; init; }
    /// <summary>Each user's key with the provider its profile belongs to.</summary>
    public required Dictionary<long, (long StrategyId, string? ExternalId)> KeyOfUser { get; init; }
    /// <summary>(group id, user id) of every membership.</summary>
    public required HashSet<(long GroupId, long UserId)> Memberships { get; init; }

    /// <summary>Whether a row adds a membership the user does not have yet.</summary>
    public bool JoinsNewGroup(RowPlan plan) =>
        plan.Groups.Any(g => !Groups.TryGetValue(g.Normalized, out var group) || plan.Existing is null || !Memberships.Contains((group.Id, plan.Existing.Id)));
    public int BreakGlassAdmins => Users.Values.Count(u => u.IsBreakGlass);

    public static async Task<SiteSnapshot> LoadAsync(GatehouseDb db, Site site, PlanOptions plans, CancellationToken ct)
    {
        var users = new Dictionary<string, ExistingUser>(StringComparer.Ordinal);
        await foreach (var u in db.Users.AsNoTracking().Select(u => new ExistingUser(u.Id, u.Username, u.AuthenticationMethod, u.SsoStrategyId,
                           u.SiteAdmin, u.Disabled, u.ExternallyManaged, u.PasswordHash != null, u.ImportedPasswordHash != null, u.Email, u.Name, u.Company))
                           .AsAsyncEnumerable().WithCancellation(ct))
            users[User.Normalize(u.Username)] = u;
        var groups = await db.Groups.AsNoTracking().Select(g => new { g.Id, g.Name, g.NameNormalized }).ToListAsync(ct);
        var providers = await db.SsoStrategies.AsNoTracking().OrderBy(s => s.SortOrder).ThenBy(s => s.Id)
            .Select(s => new ProviderRef(s.Id, s.Label, s.LabelNormalized, s.Enabled)).ToListAsync(ct);
        var keys = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var k in db.PublicKeys.AsNoTracking().Select(k => new { k.FingerprintSha256, k.UserId }).AsAsyncEnumerable().WithCancellation(ct))
            keys[k.FingerprintSha256] = k.UserId;
        var memberships = new HashSet<(long, long)>();
        await foreach (var m in db.GroupUsers.AsNoTracking().Select(m => new { m.GroupId, m.UserId }).AsAsyncEnumerable().WithCancellation(ct))
            memberships.Add((m.GroupId, m.UserId));
        var externalIds = new Dictionary<(long, string), (long, string)>();
        var keyOfUser = new Dictionary<long, (long, string?)>();
        // Deleted profiles (deprovision_behavior=disable) keep their key: the unique index still holds it.
        await foreach (var p in db.Set<Provisioning.ScimUserProfile>().AsNoTracking()
                           .Select(p => new { p.UserId, p.SsoStrategyId, p.ExternalId, p.User!.Username }).AsAsyncEnumerable().WithCancellation(ct))
        {
            keyOfUser[p.UserId] = (p.SsoStrategyId, p.ExternalId);
            if (p.ExternalId is not null) externalIds[(p.SsoStrategyId, p.ExternalId)] = (p.UserId, p.Username);
        }
        return new SiteSnapshot
        {
            PlanName = site.Plan,
            Plan = plans.Plans.GetValueOrDefault(site.Plan) ?? new PlanLimits(),
            Users = users,
            Groups = groups.ToDictionary(g => g.NameNormalized, g => (g.Id, g.Name), StringComparer.Ordinal),
            Providers = providers,
            KeyOwners = keys,
            Memberships = memberships,
            ExternalIds = externalIds,
            KeyOfUser = keyOfUser,
        };
    }
}
