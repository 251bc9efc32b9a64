using System.Text.Json;
using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Provisioning;
using Gatehouse.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Ldap;

public sealed record LdapSyncResult(LdapSyncSummary? Summary, LdapHeldRun? Held, RuleViolation? Violation);

/// <summary>
/// Directory sync of one LDAP/AD provider (premier): read the directory → decide who is in scope (group rules, nested
/// groups, account state) → match by immutable key, then by username among this provider's users only → plan creates,
/// updates, renames, disables → circuit breaker (held for approval when too many would be disabled) → apply in one
/// transaction → end disabled users' sessions → one "LDAP Sync" sso_event with the counts.
/// </summary>
public sealed class LdapSync(
    GatehouseDb db, LdapConnector connector, ProviderSecrets secrets, LdapConcurrency gates, SessionService sessions,
    AuditLog audit, ProviderRules rules, TimeProvider time, ILogger<LdapSync> logger, IdentityResolver resolver)
{
    private sealed record Update(User User, DirectoryUser Entry, SsoIdentityLink? Relink);

    public async Task<LdapSyncResult> RunAsync(SsoStrategy s, string trigger, bool approveHeldRun, string? actor, HttpContext? http, CancellationToken ct)
    {
        // 1. What may run.
        if (s.Protocol != ProviderKinds.Ldap)
            return new(null, null, new(422, "processing-failure/not-a-directory-provider", "Only LDAP and Active Directory providers can be synced."));
        if (!rules.Limits.DirectorySync)
            return new(null, null, new(403, "not-authorized/plan-upgrade-required", "Directory sync (LDAP/AD provisioning) is not included in this site's plan; it needs premier."));
        if (!s.Enabled)
            return new(null, null, new(422, "processing-failure/provider-disabled", $"The provider \"{s.Label}\" is disabled; enable it before syncing."));

        using var running = await gates.EnterSyncAsync(s.Id, ct);
        await db.Entry(s).ReloadAsync(ct); // another run may have finished while we waited
        var state = LdapSyncState.Read(s);
        if (approveHeldRun && state.HeldRun is null)
            return new(null, null, new(409, "processing-failure/no-held-sync-run", "There is no held sync run to approve."));
        var summary = new LdapSyncSummary { Trigger = approveHeldRun ? "approval" : trigger, StartedAt = time.GetUtcNow().UtcDateTime };

        // 2. Read the directory as the service account.
        var settings = LdapSettings.From(s, secrets, out var problem);
        if (settings is not null && !settings.HasServiceAccount) problem = "Directory sync needs a service account (ldap_username and ldap_password).";
        var ruleSet = new GroupRules(s);
        // The provider's own settings are the admin's to fix (422); a directory that does not answer is 503.
        if (problem is not null)
            return await FinishFailedAsync(s, state, summary, problem, actor, http, ct, misconfigured: true);
        var (snapshot, host, readProblem) = await Task.Run(() => Read(settings!, ruleSet, ct), ct);
        summary.Host = host;
        if (snapshot is null)
            return await FinishFailedAsync(s, state, summary, readProblem!, actor, http, ct);
        summary.DirectoryUsers = snapshot.Users.Count;
        summary.Skipped += snapshot.Skipped.Count;
        foreach (var skip in snapshot.Skipped) summary.Note("skipped " + skip);

        // 3. Plan against this provider's users (links first, then username).
        var issuer = LdapSettings.LinkIssuer(s.Id);
        var links = await db.SsoIdentityLinks.Where(l => l.SsoStrategyId == s.Id && l.Issuer == issuer).ToListAsync(ct);
        var providerUsers = await db.Users.Where(u => u.SsoStrategyId == s.Id && u.AuthenticationMethod == AuthenticationMethods.Sso).ToListAsync(ct);
        var byId = providerUsers.ToDictionary(u => u.Id);
        var usernames = await db.Users.Select(u => new { u.Id, u.UsernameNormalized }).ToDictionaryAsync(u => u.UsernameNormalized, u => u.Id, ct);
        var linkByKey = links.ToDictionary(l => l.Subject);
        var linkByUser = links.GroupBy(l => l.UserId).ToDictionary(g => g.Key, g => g.First());
        var directoryKeys = snapshot.Users.Select(u => u.Key).ToHashSet();

        var creates = new List<DirectoryUser>();
        var updates = new List<Update>();
        var matched = new HashSet<long>();
        var reasons = new Dictionary<long, string>();
        var plannedNames = new HashSet<string>();
        foreach (var d in snapshot.Users)
        {
            var inScope = ruleSet.InScope(d.Groups);
            if (inScope) summary.InScope++;
            User? user = null;
            SsoIdentityLink? relink = null;
            if (linkByKey.TryGetValue(d.Key, out var link))
            {
                if (!byId.TryGetValue(link.UserId, out user))
                {
                    if (inScope) Conflict(summary, $"{d.Username}: linked to a user who no longer signs in with this provider");
                    continue;
                }
                // The shared resolver's rule: the key's user and another of this provider's users holding the
                // entry's username is ambiguous — refused with an sso_event naming both, and neither is touched.
                if (usernames.TryGetValue(User.Normalize(d.Username), out var nameHolder) && byId.TryGetValue(nameHolder, out var byName)
                    && resolver.Decide(s, user, byName, d.Key, d.Username, "ldap", http).Kind == IdentityMatchKind.Ambiguous)
                {
                    Conflict(summary, $"{d.Username}: the directory entry matches {user.Username} by its immutable key and {byName.Username} by username");
                    matched.Add(user.Id);
                    matched.Add(byName.Id);
                    continue;
                }
            }
            else if (usernames.TryGetValue(User.Normalize(d.Username), out var holderId))
            {
                // Never take over a password user or another provider's user (CONTRACT §4); adopt only our own.
                if (!byId.TryGetValue(holderId, out user))
                {
                    if (inScope && d.State is null) Conflict(summary, $"{d.Username}: the username is taken by a user who does not sign in with this provider");
                    continue;
                }
                if (linkByUser.TryGetValue(user.Id, out var old) && directoryKeys.Contains(old.Subject))
                {
                    if (inScope) Conflict(summary, $"{d.Username}: the user is linked to another directory entry");
                    continue;
                }
                relink = old ?? new SsoIdentityLink { UserId = user.Id, SsoStrategyId = s.Id, Issuer = issuer, Subject = d.Key };
            }
            if (!inScope || d.State is not null)
            {
                if (user is not null) reasons[user.Id] = d.State is { } st ? $"directory: {st.Reason}" : "out of the provider's group rules";
                continue;
            }
            if (user is null)
            {
                if (!s.ProvisionUsers) { summary.Skipped++; summary.Note($"not created {d.Username}: provision_users is off"); continue; }
                if (UsernameProblem(d.Username) is { } bad) { summary.Skipped++; summary.Note($"not created {d.Username}: {bad}"); continue; }
                if (!plannedNames.Add(User.Normalize(d.Username))) { Conflict(summary, $"{d.Username}: two directory entries have this username"); continue; }
                creates.Add(d);
                continue;
            }
            matched.Add(user.Id);
            updates.Add(new Update(user, d, relink));
        }
        var disables = s.DeprovisionUsers
            ? providerUsers.Where(u => !u.Disabled && !matched.Contains(u.Id)).ToList()
            : [];

        // 4. Circuit breaker: too many disables at once is more likely a broken rule or base DN than a mass departure.
        var enabled = providerUsers.Count(u => !u.Disabled);
        var share = connector.Options.MaxDisableShare;
        var approved = approveHeldRun ? state.HeldRun!.WouldDisableUserIds.ToHashSet() : [];
        var counted = disables.Count(u => !approved.Contains(u.Id));
        summary.WouldDisable = disables.Count;
        if (counted > 0 && counted > share * enabled)
            return await HoldAsync(s, state, summary, disables, enabled, share, actor, http, ct);

        // 5. Apply.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var disabledBySync = state.DisabledBySync.ToHashSet();
        var active = new List<(User User, DirectoryUser Entry, bool Created)>();
        foreach (var d in creates)
        {
            var u = new User
            {
                Username = d.Username, UsernameNormalized = User.Normalize(d.Username), Name = Trim(d.Name, 256), Email = Trim(d.Email, 256),
                Company = s.ProvisionCompany, AuthenticationMethod = AuthenticationMethods.Sso, SsoStrategyId = s.Id, ExternallyManaged = true,
                SiteAdmin = ruleSet.HasAdminRule && ruleSet.IsAdmin(d.Groups),
                DavPermission = s.ProvisionDavPermission, FtpPermission = s.ProvisionFtpPermission, SftpPermission = s.ProvisionSftpPermission,
                CreatedAt = now,
            };
            db.Users.Add(u);
            active.Add((u, d, true));
            summary.Created++;
        }
        foreach (var (u, d, relink) in updates)
        {
            var changed = false;
            if (u.Username != d.Username)
            {
                var normalized = User.Normalize(d.Username);
                if (normalized != u.UsernameNormalized && (usernames.ContainsKey(normalized) || plannedNames.Contains(normalized) || UsernameProblem(d.Username) is not null))
                    Conflict(summary, $"{u.Username}: renamed to {d.Username} in the directory, but that username is taken or not allowed here");
                else
                {
                    summary.Note($"renamed {u.Username} to {d.Username}");
                    u.Username = d.Username;
                    u.UsernameNormalized = normalized;
                    plannedNames.Add(normalized);
                    summary.Renamed++;
                    changed = true;
                }
            }
            if (d.Name is not null && u.Name != Trim(d.Name, 256)) { u.Name = Trim(d.Name, 256); changed = true; }
            if (d.Email is not null && u.Email != Trim(d.Email, 256)) { u.Email = Trim(d.Email, 256); changed = true; }
            if (ruleSet.HasAdminRule && u.SiteAdmin != ruleSet.IsAdmin(d.Groups)) { u.SiteAdmin = !u.SiteAdmin; changed = true; }
            if (!u.ExternallyManaged) { u.ExternallyManaged = true; changed = true; }
            if (u.Disabled && disabledBySync.Remove(u.Id)) { u.Disabled = false; summary.Enabled++; changed = true; }
            if (relink is not null)
            {
                if (relink.Id == 0) db.SsoIdentityLinks.Add(relink);
                else relink.Subject = d.Key;
            }
            if (changed) summary.Updated++;
            active.Add((u, d, false));
        }
        foreach (var u in disables)
        {
            var reason = reasons.GetValueOrDefault(u.Id, "not in the directory");
            // deprovision_behavior=delete removes users who left the directory or the rules; an account the directory
            // itself disabled or locked stays (disabled), since it usually comes back.
            if (s.DeprovisionBehavior == "delete" && !reasons.GetValueOrDefault(u.Id, "").StartsWith("directory:", StringComparison.Ordinal))
            {
                await sessions.RevokeAllForUserAsync(u.Id, "ldap_sync_deleted", ct);
                audit.Add(SsoEventTypes.AccountChange, true, "ldap_sync_user_deleted", $"{s.Label} sync deleted {u.Username} ({reason})",
                    null, u.Username, "ldap", http, s.Provider, s.Label, s.Id);
                db.Users.Remove(u);
                disabledBySync.Remove(u.Id);
                summary.Deleted++;
                summary.Note($"deleted {u.Username} ({reason})");
                continue;
            }
            u.Disabled = true;
            disabledBySync.Add(u.Id);
            summary.Disabled++;
            summary.Note($"disabled {u.Username} ({reason})");
        }
        await db.SaveChangesAsync(ct);
        foreach (var (u, d, created) in active.Where(a => a.Created))
            db.SsoIdentityLinks.Add(new SsoIdentityLink { UserId = u.Id, SsoStrategyId = s.Id, Issuer = issuer, Subject = d.Key, CreatedAt = now });
        if (s.ProvisionGroups) await SyncGroupsAsync(s, state, ruleSet, active, summary, now, ct);
        state.DisabledBySync = disabledBySync.Where(id => byId.ContainsKey(id)).ToList();
        state.HeldRun = null;
        await db.SaveChangesAsync(ct);
        foreach (var u in disables.Where(u => u.Disabled)) await sessions.RevokeAllForUserAsync(u.Id, "ldap_sync_disabled", ct);
        await tx.CommitAsync(ct);

        // 6. Record.
        summary.FinishedAt = time.GetUtcNow().UtcDateTime;
        summary.Status = "completed";
        state.LastRun = summary;
        state.Write(s);
        s.ProtocolCacheError = null;
        var e = Audit(s, summary, true, null, actor, http);
        if (summary.Conflicts > 0 || summary.Skipped > 0) e.Status = "partial_failure";
        await db.SaveChangesAsync(ct);
        LdapLog.SyncFinished(logger, s.Id, summary.Status, summary.Created, summary.Updated, summary.Disabled);
        return new(summary, null, null);
    }

    private (DirectorySnapshot?, string?, string?) Read(LdapSettings settings, GroupRules ruleSet, CancellationToken ct)
    {
        var (c, host, failure) = connector.Open(settings, ct);
        if (c is null) return (null, null, failure!.Message);
        using (c)
        {
            try
            {
                LdapConnector.Bind(c, settings.ServiceUsername!, settings.ServicePassword!);
                return (DirectoryReader.Read(connector, c, settings, ruleSet.Mentions), host, null);
            }
            catch (System.DirectoryServices.Protocols.LdapException e)
            {
                return (null, host, e.ErrorCode == 49 ? $"The directory on {host} refused the service account: check ldap_username and ldap_password." : $"The directory on {host} failed: {e.Message}");
            }
            catch (System.DirectoryServices.Protocols.DirectoryOperationException e)
            {
                return (null, host, $"The directory on {host} answered {e.Response?.ResultCode}: {e.Response?.ErrorMessage ?? e.Message} (is ldap_base_dn right?)");
            }
            catch (LdapSizeException e)
            {
                return (null, host, e.Message + " Narrow ldap_base_dn, or raise Gatehouse:Ldap:MaxEntries.");
            }
        }
    }

    /// <summary>Mirrors directory groups as Gatehouse groups and memberships (provision_groups / deprovision_groups).</summary>
    private async Task SyncGroupsAsync(SsoStrategy s, LdapSyncState state, GroupRules ruleSet, List<(User User, DirectoryUser Entry, bool Created)> active,
        LdapSyncSummary summary, DateTime now, CancellationToken ct)
    {
        var groups = await db.Groups.ToDictionaryAsync(g => g.NameNormalized, ct);
        var managed = state.ManagedGroupIds.ToHashSet();
        var userIds = active.Select(a => a.User.Id).ToList();
        var memberships = await db.GroupUsers.Where(m => userIds.Contains(m.UserId)).ToListAsync(ct);
        var newGroups = new List<Group>();
        Group? GroupNamed(string name)
        {
            name = name.Trim();
            if (name.Length is 0 or > 128) return null;
            var key = name.ToLowerInvariant();
            if (groups.TryGetValue(key, out var g)) return g;
            g = new Group { Name = name, NameNormalized = key, Notes = $"Synced from the directory of \"{s.Label}\"", CreatedAt = now };
            db.Groups.Add(g);
            groups[key] = g;
            newGroups.Add(g);
            summary.GroupsCreated++;
            return g;
        }
        foreach (var (user, entry, created) in active)
        {
            var synced = entry.Groups.Where(ruleSet.IsSyncedGroup).Select(GroupNamed).OfType<Group>().ToList();
            var wanted = synced.Concat(created ? GroupRules.Names(s.ProvisionGroupDefault).Select(GroupNamed).OfType<Group>() : []).Distinct().ToList();
            var mine = memberships.Where(m => m.UserId == user.Id).ToList();
            foreach (var g in wanted.Where(g => !mine.Any(m => m.GroupId == g.Id && g.Id != 0)))
            {
                db.GroupUsers.Add(new GroupUser { Group = g, User = user });
                summary.MembershipsAdded++;
            }
            if (s.DeprovisionGroups)
                foreach (var m in mine.Where(m => managed.Contains(m.GroupId) && !synced.Any(g => g.Id == m.GroupId)))
                {
                    db.GroupUsers.Remove(m);
                    summary.MembershipsRemoved++;
                }
        }
        await db.SaveChangesAsync(ct);
        foreach (var g in groups.Values.Where(g => active.Any(a => a.Entry.Groups.Contains(g.Name) && ruleSet.IsSyncedGroup(g.Name))))
            managed.Add(g.Id);
        state.ManagedGroupIds = managed.ToList();
    }

    private async Task<LdapSyncResult> HoldAsync(SsoStrategy s, LdapSyncState state, LdapSyncSummary summary, List<User> disables, int enabled, double share,
        string? actor, HttpContext? http, CancellationToken ct)
    {
        var held = new LdapHeldRun
        {
            HeldAt = time.GetUtcNow().UtcDateTime, EnabledUsers = enabled, MaxDisableShare = share,
            WouldDisableUserIds = disables.Select(u => u.Id).ToList(), WouldDisableUsernames = disables.Select(u => u.Username).Take(200).ToList(),
        };
        summary.Status = "held";
        summary.FinishedAt = held.HeldAt;
        summary.Note($"held: would disable {disables.Count} of {enabled} enabled user(s), more than {share:P0}; approve with approve_held_run=true");
        state.HeldRun = held;
        state.LastRun = summary;
        state.Write(s);
        s.ProtocolCacheError = $"Sync held for approval: it would disable {disables.Count} of {enabled} users.";
        Audit(s, summary, false, "held_for_approval", actor, http);
        await db.SaveChangesAsync(ct);
        LdapLog.SyncFinished(logger, s.Id, summary.Status, 0, 0, 0);
        return new(summary, held, null);
    }

    private async Task<LdapSyncResult> FinishFailedAsync(SsoStrategy s, LdapSyncState state, LdapSyncSummary summary, string problem, string? actor, HttpContext? http,
        CancellationToken ct, bool misconfigured = false)
    {
        summary.Status = "failed";
        summary.Error = problem;
        summary.FinishedAt = time.GetUtcNow().UtcDateTime;
        state.LastRun = summary;
        state.Write(s);
        s.ProtocolCacheError = "Directory sync failed: " + problem;
        Audit(s, summary, false, misconfigured ? "directory_misconfigured" : "directory_unavailable", actor, http);
        await db.SaveChangesAsync(ct);
        LdapLog.SyncFailed(logger, s.Id, problem);
        return new(summary, null, misconfigured
            ? new(422, "processing-failure/directory-misconfigured", "Directory sync cannot run: " + problem)
            : new(503, "processing-failure/directory-unavailable", "Directory sync failed: " + problem));
    }

    private SsoEvent Audit(SsoStrategy s, LdapSyncSummary summary, bool success, string? reason, string? actor, HttpContext? http) =>
        audit.Add(SsoEventTypes.LdapSync, success, reason,
            summary.Error ?? $"{summary.Status}: created {summary.Created}, updated {summary.Updated} (renamed {summary.Renamed}), enabled {summary.Enabled}, disabled {summary.Disabled}" +
            (summary.Status == "held" ? $", would disable {summary.WouldDisable}" : "") + $", conflicts {summary.Conflicts}, skipped {summary.Skipped}",
            username: actor, @interface: summary.Trigger == "scheduled" ? "scheduled" : "admin", http: http,
            provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id, body: JsonSerializer.Serialize(summary));

    private static void Conflict(LdapSyncSummary summary, string message)
    {
        summary.Conflicts++;
        summary.Note("conflict " + message);
    }

    /// <summary>The username rules of <see cref="UserChanges"/>, for names that come from the directory.</summary>
    private static string? UsernameProblem(string username) =>
        username.Length is 0 or > 128 ? "must be 1–128 characters"
        : username.Any(c => char.IsControl(c) || c is '/' or '\\' or '<' or '>' or '"') ? "contains characters usernames may not have (control characters, slashes, quotes, angle brackets)"
        : null;

    private static string? Trim(string? s, int max) => s is null ? null : s.Length > max ? s[..max] : s;
}
