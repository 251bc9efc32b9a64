using System.Text.Json;
using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Provisioning;

/// <summary>
/// Just-in-time provisioning: the SAML/OIDC sign-in of someone unknown creates their account when the provider has
/// <c>provision_users</c> on (and the plan includes JIT), from the mapped attributes and with the same
/// <c>provision_*</c> rules as SCIM. Called by <see cref="CompleteSsoSignIn"/> only after its own look-up found
/// nobody. Attributes the assertion does not carry change nothing (peers.md pain point 19), and Entra's group
/// overage (<c>groups.link</c>, <c>_claim_names</c>) is reported as an <c>sso_event</c> instead of being read as
/// "member of no group" (pain point 20).
/// </summary>
public sealed class JitProvisioning(GatehouseDb db, CurrentSite site, IOptions<PlanOptions> plans, IdentityResolver resolver, AuditLog audit, TimeProvider time)
{
    private static readonly string[] GroupClaims =
    [
        "groups", "group", "memberOf", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
        "http://schemas.xmlsoap.org/claims/Group",
    ];
    private static readonly string[] OverageClaims =
    [
        "http://schemas.microsoft.com/claims/groups.link", "groups.link", "_claim_names", "_claim_sources", "hasgroups",
        "http://schemas.microsoft.com/claims/groups.overage",
    ];
    private static readonly string[] CompanyClaims = ["company", "organization", "companyName", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/company"];

    /// <summary>The new user (saved), or null when JIT does not apply or its rules refuse (each refusal is an sso_event).</summary>
    public async Task<User?> TryProvisionAsync(HttpContext? http, SsoStrategy s, ExternalIdentity identity, CancellationToken ct)
    {
        // 1. Is JIT on for this provider and in this site's plan?
        if (!s.ProvisionUsers || s.Protocol == ProviderKinds.Ldap) return null;
        var limits = plans.Value.Plans.TryGetValue(site.Required.Plan, out var l) ? l : new PlanLimits();
        if (!limits.JitProvisioning) return await RefuseAsync(http, s, identity, "jit_not_in_plan", $"Just-in-time provisioning is not included in the {site.Required.Plan} plan.", ct);

        // 2. A usable, free username.
        var username = identity.Username?.Trim();
        if (string.IsNullOrEmpty(username) || ProvisioningPolicy.UsernameProblem(username) is not null) return null;
        var match = await resolver.ResolveAsync(s, new ImmutableKey.SignInSubject(identity.Issuer, identity.Subject), username, "web", http, ct);
        if (match.Kind != IdentityMatchKind.None)
        {
            if (match.Kind == IdentityMatchKind.Ambiguous) await db.SaveChangesAsync(ct);
            return null;
        }
        if (match.NameHolder is not null) return null;

        // 3. Groups: read, or detect that the IdP left them out (overage) — never read that as "no groups".
        var groups = GroupsOf(identity, out var overage);
        if (overage)
        {
            audit.Add(SsoEventTypes.SsoLogin, false, "group_overage",
                $"{s.Label} sent a group overage claim instead of the user's groups (Entra sends it above 150 SAML / 200 JWT groups). " +
                "Groups were not synced; filter the groups claim in Entra to the groups this site uses, or provision groups through SCIM.",
                null, username, "web", http, s.Provider, s.Label, s.Id, idpUid: identity.Subject);
        }
        if (ProvisioningPolicy.HasRequired(s))
        {
            if (groups is null)
                return await RefuseAsync(http, s, identity, "jit_groups_unknown", $"{s.Label} did not send the user's groups, so membership of a required group cannot be checked.", ct);
            if (!ProvisioningPolicy.MeetsRequired(s, groups))
                return await RefuseAsync(http, s, identity, "jit_required_group_missing", $"{username} is not in any group this site requires for {s.Label} (provision_group_required).", ct);
        }

        // 4. Create, with the provider's defaults and the attributes that are present.
        var now = time.GetUtcNow().UtcDateTime;
        var user = ProvisioningPolicy.NewUser(s, username, now);
        if (!string.IsNullOrWhiteSpace(identity.Name)) user.Name = Limit(identity.Name.Trim(), 256);
        if (!string.IsNullOrWhiteSpace(identity.Email) && identity.Email.Contains('@')) user.Email = Limit(identity.Email.Trim(), 256);
        if (First(identity, CompanyClaims) is { } company) user.Company = Limit(company, 256);
        db.Users.Add(user);
        await ProvisioningPolicy.AddDefaultGroupsAsync(db, s, user, now, ct);
        var joined = new List<string>();
        if (s.ProvisionGroups && groups is not null)
        {
            foreach (var name in groups.Where(g => ProvisioningPolicy.GroupAllowed(s, g)).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var group = await ProvisioningPolicy.FindOrCreateGroupAsync(db, name, now, ct);
                if (group is null || db.ChangeTracker.Entries<GroupUser>().Any(e => e.Entity.Group == group && e.Entity.User == user)) continue;
                db.GroupUsers.Add(new GroupUser { Group = group, User = user });
                joined.Add(group.Name);
            }
        }
        if (groups is not null && ProvisioningPolicy.Names(s.ProvisionSiteAdminGroups).Count > 0)
            user.SiteAdmin = groups.Any(g => ProvisioningPolicy.Matches(s.ProvisionSiteAdminGroups, g));
        audit.Add(SsoEventTypes.AccountChange, true, "jit_provisioned", $"{s.Label} sign-in created the account {username} (just-in-time provisioning)",
            null, username, "web", http, s.Provider, s.Label, s.Id, idpUid: identity.Subject,
            body: JsonSerializer.Serialize(new { groups = joined, group_overage = overage }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same person's first sign-in in two tabs: the other request created the account.
            db.ChangeTracker.Clear();
            return await db.Users.FirstOrDefaultAsync(u => u.UsernameNormalized == user.UsernameNormalized && u.SsoStrategyId == s.Id, ct);
        }
        return user;
    }

    /// <summary>The group names in the identity, or null when it carries none or only an overage pointer.</summary>
    internal static List<string>? GroupsOf(ExternalIdentity identity, out bool overage)
    {
        overage = false;
        var attributes = identity.Attributes;
        if (attributes is null) return null;
        foreach (var (key, values) in attributes)
        {
            if (OverageClaims.Any(o => string.Equals(o, key, StringComparison.OrdinalIgnoreCase))
                && (!key.Equals("_claim_names", StringComparison.OrdinalIgnoreCase) || values.Any(v => v.Contains("groups", StringComparison.OrdinalIgnoreCase))))
                overage = true;
        }
        List<string>? groups = null;
        foreach (var (key, values) in attributes)
            if (GroupClaims.Any(g => string.Equals(g, key, StringComparison.OrdinalIgnoreCase)))
                (groups ??= []).AddRange(values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()));
        return overage && (groups is null || groups.Count == 0) ? null : groups;
    }

    private static string? First(ExternalIdentity identity, string[] keys)
    {
        if (identity.Attributes is null) return null;
        foreach (var (key, values) in identity.Attributes)
            if (keys.Any(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) && values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) is { } value)
                return value.Trim();
        return null;
    }

    private async Task<User?> RefuseAsync(HttpContext? http, SsoStrategy s, ExternalIdentity identity, string reason, string message, CancellationToken ct)
    {
        audit.Add(SsoEventTypes.SsoLogin, false, reason, message, null, identity.Username, "web", http, s.Provider, s.Label, s.Id, idpUid: identity.Subject);
        await db.SaveChangesAsync(ct);
        return null;
    }

    private static string Limit(string s, int max) => s.Length > max ? s[..max] : s;
}
