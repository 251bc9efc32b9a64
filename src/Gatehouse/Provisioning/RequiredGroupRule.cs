using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Provisioning;

/// <summary>
/// <c>provision_group_required</c> for SCIM. IdPs create a user first and push its group memberships afterwards
/// (Okta's group push, Entra's group assignment), so the rule cannot refuse the create: a SCIM user who is in none
/// of the required groups among the groups this provider manages is kept but disabled and marked
/// <see cref="ScimUserProfile.HeldForGroups"/>; it is enabled the moment a push puts it in a required group, and
/// held again (sessions ended) when it leaves the last one. The IdP keeps seeing <c>active</c> as it set it, so it
/// never fights the hold. An account the IdP itself deactivated is never enabled by this rule.
/// </summary>
public sealed class RequiredGroupRule(GatehouseDb db, AuditLog audit, SessionService sessions)
{
    private const int IdChunk = 500;

    /// <summary>
    /// An account about to become active through SCIM (created, re-created, re-activated): with required groups set
    /// it starts held, and <see cref="ApplyAsync"/> lifts the hold after the save if it is in one — so it is never
    /// active, even for a moment, without qualifying. A new user has joined no group yet and simply stays held.
    /// </summary>
    public static void HoldUntilChecked(SsoStrategy s, Accounts.User user, ScimUserProfile profile)
    {
        if (!ProvisioningPolicy.HasRequired(s) || user.Disabled) return;
        user.Disabled = true;
        profile.HeldForGroups = true;
    }

    /// <summary>
    /// Re-evaluates the provider's SCIM users (all of them when <paramref name="userIds"/> is null — the rule
    /// itself changed), saves, and ends the sessions of anyone newly held. Returns (held, released).
    /// </summary>
    public async Task<(int Held, int Released)> ApplyAsync(SsoStrategy s, IReadOnlyCollection<long>? userIds, HttpContext? http, CancellationToken ct)
    {
        if (userIds is { Count: 0 }) return (0, 0);
        var required = ProvisioningPolicy.HasRequired(s);
        var profiles = db.Set<ScimUserProfile>().Include(p => p.User)
            .Where(p => p.SsoStrategyId == s.Id && !p.Deleted && p.User!.SsoStrategyId == s.Id);
        // Without the rule only held accounts can change; with it, every active or held account is in play.
        profiles = required ? profiles.Where(p => p.HeldForGroups || !p.User!.Disabled) : profiles.Where(p => p.HeldForGroups);
        // Id lists go to the database in chunks: a renamed group of 100,000 members must not exceed SQLite's or
        // PostgreSQL's limit on query parameters. The whole provider (userIds null) needs no list at all.
        var candidates = new List<ScimUserProfile>();
        if (userIds is null) candidates = await profiles.ToListAsync(ct);
        else
            foreach (var chunk in userIds.Distinct().Chunk(IdChunk))
                candidates.AddRange(await profiles.Where(p => chunk.Contains(p.UserId)).ToListAsync(ct));
        if (candidates.Count == 0) return (0, 0);

        var providerMemberships =
            from m in db.GroupUsers
            join l in db.Set<ScimGroupLink>() on m.GroupId equals l.GroupId
            where l.SsoStrategyId == s.Id
            select new { m.UserId, m.Group.Name };
        var memberships = new List<(long UserId, string Name)>();
        if (required && userIds is null)
            memberships.AddRange((await providerMemberships.ToListAsync(ct)).Select(m => (m.UserId, m.Name)));
        else if (required)
            foreach (var chunk in candidates.Select(p => p.UserId).Chunk(IdChunk))
                memberships.AddRange((await providerMemberships.Where(m => chunk.Contains(m.UserId)).ToListAsync(ct)).Select(m => (m.UserId, m.Name)));
        var groupsOf = memberships.ToLookup(m => m.UserId, m => m.Name);

        var newlyHeld = new List<long>();
        var released = 0;
        foreach (var profile in candidates)
        {
            var user = profile.User!;
            var qualifies = !required || ProvisioningPolicy.MeetsRequired(s, groupsOf[user.Id]);
            if (qualifies && profile.HeldForGroups)
            {
                profile.HeldForGroups = false;
                user.Disabled = false;
                released++;
                audit.Add(SsoEventTypes.AccountChange, true, "scim_user_released",
                    required ? $"{user.Username} is in a group {s.Label} requires (provision_group_required) and can sign in"
                             : $"{s.Label} no longer requires a group; {user.Username} can sign in",
                    user.Id, user.Username, "scim", http, s.Provider, s.Label, s.Id);
            }
            else if (!qualifies && !user.Disabled)
            {
                profile.HeldForGroups = true;
                user.Disabled = true;
                newlyHeld.Add(user.Id);
                audit.Add(SsoEventTypes.AccountChange, true, "scim_user_awaiting_group",
                    $"{user.Username} is in none of the groups {s.Label} requires (provision_group_required): the account is disabled until the identity provider adds it to one",
                    user.Id, user.Username, "scim", http, s.Provider, s.Label, s.Id);
            }
        }
        await db.SaveChangesAsync(ct);
        foreach (var chunk in newlyHeld.Chunk(IdChunk))
            await sessions.RevokeAsync(db.Sessions.Where(x => chunk.Contains(x.UserId)), "required_group_missing", ct);
        return (newlyHeld.Count, released);
    }
}
