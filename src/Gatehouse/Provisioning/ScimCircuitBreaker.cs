using System.Text.Json;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Scim;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Provisioning;

/// <summary>
/// Mass-deprovisioning circuit breaker (peers.md §1 point 6). A misconfigured IdP assignment or a deleted IdP
/// group can deactivate a whole site in one cycle; for a file-sharing service that also cuts off every shared
/// link owner at once. Within <see cref="ScimCircuitBreakerOptions.Window"/> a provider may deactivate at most
/// max(<c>MinimumCount</c>, <c>MaxShare</c> × its users). The next deactivation trips the breaker: a
/// <see cref="ScimHold"/> is recorded, an <c>sso_event</c> tells the admin, and that deactivation — and every
/// further one — answers <b>503 with Retry-After</b>. Okta and Entra both treat 5xx as transient and retry the
/// same operation later (Entra in its next cycle, Okta with back-off), so nothing is lost and nothing is queued
/// here. Once a site admin approves (<c>POST /api/rest/v1/sso_strategies/{id}/scim_holds/approve</c>) the
/// retried deactivations go through for <c>ApprovalLasts</c>. Other changes (creates, renames, reactivations)
/// are never held.
/// </summary>
public sealed class ScimCircuitBreaker(GatehouseDb db, AuditLog audit, IOptions<ScimOptions> options, TimeProvider time)
{
    private ScimCircuitBreakerOptions O => options.Value.CircuitBreaker;

    /// <summary>Null when the deactivation may proceed (and is then recorded); otherwise the 503 answer.</summary>
    public async Task<ScimResponse?> CheckDeactivationAsync(SsoStrategy s, long userId, HttpContext http, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (O.Enabled)
        {
            var holds = db.Set<ScimHold>().Where(h => h.SsoStrategyId == s.Id);
            var approved = await holds.AnyAsync(h => h.Status == ScimHold.Approved && h.ApprovedUntil > now, ct);
            if (!approved)
            {
                var open = await holds.FirstOrDefaultAsync(h => h.Status == ScimHold.Held, ct);
                if (open is not null)
                {
                    open.HeldCount++;
                    await db.SaveChangesAsync(ct);
                    return Held(s, open);
                }
                var since = now - O.Window;
                var recent = await db.Set<ScimDeactivation>().CountAsync(d => d.SsoStrategyId == s.Id && d.CreatedAt > since, ct);
                var users = await db.Users.CountAsync(u => u.SsoStrategyId == s.Id, ct);
                var allowed = Math.Max(O.MinimumCount, (int)Math.Floor(O.MaxShare * users));
                if (recent + 1 > allowed)
                {
                    var hold = new ScimHold { SsoStrategyId = s.Id, CreatedAt = now, HeldCount = 1, ProviderUserCount = users };
                    db.Set<ScimHold>().Add(hold);
                    audit.Add(SsoEventTypes.ProviderChange, false, "scim_deprovisioning_held",
                        $"{s.Label}: SCIM tried to deactivate more than {allowed} of {users} users within {O.Window.TotalMinutes:0} minutes. " +
                        "Further deactivations are held until a site administrator approves them.",
                        @interface: "scim", http: http, provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id,
                        body: JsonSerializer.Serialize(new { deactivated_in_window = recent, allowed, provider_users = users }));
                    await db.SaveChangesAsync(ct);
                    return Held(s, hold);
                }
            }
        }
        db.Set<ScimDeactivation>().Add(new ScimDeactivation { SsoStrategyId = s.Id, UserId = userId, CreatedAt = now });
        return null;
    }

    private ScimResponse Held(SsoStrategy s, ScimHold hold) =>
        new ScimResponse(503, new Gatehouse.Scim.ScimError(ScimErrorType.InternalError,
                $"Deactivations for \"{s.Label}\" are held for administrator approval (hold {hold.Id}): this cycle would deactivate an unusual share of the site's users. Retry later.").ToJson()
            .Also(b => b["status"] = "503"))
            .WithHeader("Retry-After", ((int)O.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Approves the provider's open hold (if any); deactivations flow for <c>ApprovalLasts</c>.</summary>
    public async Task<ScimHold?> ApproveAsync(SsoStrategy s, string actor, HttpContext http, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hold = await db.Set<ScimHold>().Where(h => h.SsoStrategyId == s.Id && h.Status == ScimHold.Held).OrderByDescending(h => h.Id).FirstOrDefaultAsync(ct);
        if (hold is null) return null;
        hold.Status = ScimHold.Approved;
        hold.ApprovedAt = now;
        hold.ApprovedBy = actor;
        hold.ApprovedUntil = now + O.ApprovalLasts;
        audit.Add(SsoEventTypes.ProviderChange, true, "scim_deprovisioning_approved",
            $"{actor} approved the held SCIM deactivations of \"{s.Label}\" ({hold.HeldCount} held so far).",
            username: actor, @interface: "admin", http: http, provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id);
        await db.SaveChangesAsync(ct);
        return hold;
    }
}

internal static class JsonNodeExtensions
{
    public static T Also<T>(this T node, Action<T> change)
    {
        change(node);
        return node;
    }
}
