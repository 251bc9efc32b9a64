using Gatehouse.Audit;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Providers;

/// <summary>Removes a provider, refused while users are assigned to it (the error names how many and which).</summary>
public sealed class RemoveSsoStrategy(GatehouseDb db, ProviderLifecycle lifecycle, AuditLog audit)
{
    public async Task<RuleViolation?> HandleAsync(long id, string actor, HttpContext http, CancellationToken ct)
    {
        var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return new(404, "not-found/sso-strategy-not-found", "SSO provider not found.");
        var assigned = await lifecycle.AssignedAsync(id, ct);
        if (assigned.Count > 0)
            return new(409, "processing-failure/sso-strategy-has-users",
                $"\"{s.Label}\" still has {assigned.Count} user(s) assigned: {string.Join(", ", assigned.Usernames)}{(assigned.Count > assigned.Usernames.Count ? ", …" : "")}. " +
                $"Move them to another provider or authentication method first (/admin/users?sso_strategy_id={s.Id}).");
        db.SsoStrategies.Remove(s);
        audit.Add(SsoEventTypes.ProviderChange, true, "provider_removed", $"{actor} removed the provider \"{s.Label}\"",
            username: actor, @interface: "admin", http: http, provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A user was assigned between our count and the delete; the foreign key refused it.
            db.ChangeTracker.Clear();
            return new(409, "processing-failure/sso-strategy-has-users", $"\"{s.Label}\" got a user assigned while removing it. Move its users first.");
        }
        return null;
    }
}
