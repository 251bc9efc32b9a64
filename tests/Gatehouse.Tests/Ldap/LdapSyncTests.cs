using System.DirectoryServices.Protocols;
using System.Net;
using Gatehouse.Ldap;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Ldap;

/// <summary>Directory sync against a real slapd: each test gets an OU of its own with people and nested groups.</summary>
[Collection(LdapCollection.Name)]
public sealed class LdapSyncTests(LdapFixture f)
{
    private GatehouseServer Server => f.Server;
    private SlapdServer Slapd => f.Slapd;

    /// <summary>
    /// ou=…: people p1..pN; groups: staff ⊃ team-a ⊃ team-a-core (three levels), team-b, interns (excluded), legal.
    /// </summary>
    private (string Ou, string[] People) Directory(int people = 8)
    {
        var ou = Slapd.NewOu();
        var names = Enumerable.Range(1, people).Select(i => $"p{i}-{Guid.NewGuid().ToString("N")[..4]}").ToArray();
        foreach (var n in names) Slapd.AddPerson(ou, n, "Pw-" + n);
        string Dn(int i) => $"uid={names[i]},{ou}";
        Slapd.AddGroup(ou, "team-a-core", Dn(0), Dn(1));
        Slapd.AddGroup(ou, "team-a", Dn(2), $"cn=team-a-core,{ou}");
        Slapd.AddGroup(ou, "team-b", Enumerable.Range(3, people - 3).Select(Dn).ToArray());
        Slapd.AddGroup(ou, "staff", $"cn=team-a,{ou}", $"cn=team-b,{ou}");
        Slapd.AddGroup(ou, "interns", Dn(people - 1));
        Slapd.AddGroup(ou, "legal", Dn(0));
        return (ou, names);
    }

    private async Task<(TestSite Site, HttpClient Api, long Provider)> ArrangeAsync(string ou, Dictionary<string, object?>? extra = null, string plan = "premier")
    {
        var site = await Server.CreateSiteAsync(plan);
        var api = site.AdminApi();
        var body = new Dictionary<string, object?>
        {
            ["ldap_base_dn"] = ou, ["provision_users"] = true, ["deprovision_users"] = true, ["provision_groups"] = true, ["deprovision_groups"] = true,
            ["provision_group_inclusion"] = "staff", ["provision_group_exclusion"] = "interns",
        };
        foreach (var (k, v) in extra ?? []) body[k] = v;
        var provider = await f.CreateProviderAsync(api, body);
        return (site, api, provider);
    }

    private static Task<HttpResponseMessage> Sync(HttpClient api, long provider, bool approve = false) =>
        api.PostJson($"{HttpExtensions.Api}/sso_strategies/{provider}/sync", approve ? new { approve_held_run = true } : new { });

    [Fact]
    public async Task Sync_NestedGroupsAndRules_CreatesExactlyTheUsersInScope()
    {
        var (ou, p) = Directory();
        var (site, api, provider) = await ArrangeAsync(ou);

        var response = await Sync(api, provider);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = (await response.Json())["sync"]!;
        Assert.Equal(p.Length - 1, (int)summary["created"]!); // everyone in staff (through 1–3 levels) but the intern
        await using var scope = Server.SiteScope(site.Id, out var db);
        var users = await db.Users.Where(u => u.SsoStrategyId == provider).ToListAsync();
        Assert.Equal(p.Take(p.Length - 1).OrderBy(x => x), users.Select(u => u.Username).OrderBy(x => x));
        Assert.All(users, u => { Assert.Equal("sso", u.AuthenticationMethod); Assert.True(u.ExternallyManaged); Assert.False(u.Disabled); });
        Assert.Equal(users.Count, await db.SsoIdentityLinks.CountAsync(l => l.SsoStrategyId == provider && l.Issuer == $"ldap:{provider}"));
        var core = users.Single(u => u.Username == p[0]);
        var coreGroups = await db.GroupUsers.Where(m => m.UserId == core.Id).Select(m => m.Group.Name).ToListAsync();
        Assert.Equal(["staff"], coreGroups); // only groups the inclusion names are mirrored
        var e = await db.SsoEvents.Where(x => x.EventType == "LDAP Sync").SingleAsync();
        Assert.Equal("success", e.Status);
        Assert.Contains($"created {p.Length - 1}", e.Message);
    }

    [Fact]
    public async Task Sync_WildcardsAndRequiredGroups_AreApplied()
    {
        var (ou, p) = Directory();
        var (site, api, provider) = await ArrangeAsync(ou, new() { ["provision_group_inclusion"] = "team-*", ["provision_group_exclusion"] = "", ["provision_group_required"] = "legal" });

        var summary = (await (await Sync(api, provider)).Json())["sync"]!;

        Assert.Equal(1, (int)summary["created"]!);
        await using var scope = Server.SiteScope(site.Id, out var db);
        var user = await db.Users.SingleAsync(u => u.SsoStrategyId == provider);
        Assert.Equal(p[0], user.Username);
        var groups = await db.GroupUsers.Where(m => m.UserId == user.Id).Select(m => m.Group.Name).OrderBy(n => n).ToListAsync();
        Assert.Equal(["team-a", "team-a-core"], groups); // nested: team-a-core ⊂ team-a
    }

    [Fact]
    public async Task Sync_RenameInDirectory_UpdatesTheSameUser()
    {
        var (ou, p) = Directory();
        var (site, api, provider) = await ArrangeAsync(ou);
        await Sync(api, provider);
        long id;
        await using (var scope = Server.SiteScope(site.Id, out var db)) id = (await db.Users.SingleAsync(u => u.Username == p[3])).Id;
        var renamed = p[3] + "-renamed";
        Slapd.Rename($"uid={p[3]},{ou}", $"uid={renamed}");

        var summary = (await (await Sync(api, provider)).Json())["sync"]!;

        Assert.Equal(1, (int)summary["renamed"]!);
        Assert.Equal(0, (int)summary["created"]!);
        await using (var scope = Server.SiteScope(site.Id, out var db))
        {
            var user = await db.Users.SingleAsync(u => u.Id == id);
            Assert.Equal(renamed, user.Username);
            Assert.False(await db.Users.AnyAsync(u => u.Username == p[3]));
        }
        // The renamed person signs in with the new name; the key (entryUUID) found them.
        var session = await site.Anonymous(cookies: false).PostJson(HttpExtensions.Api + "/sessions", new { username = renamed, password = "Pw-" + p[3] });
        Assert.Equal(HttpStatusCode.Created, session.StatusCode);
    }

    [Fact]
    public async Task Sync_RenameOntoAnotherProviderUsersName_IsAmbiguousNamingBothAndTouchesNeither()
    {
        var (ou, p) = Directory();
        var (site, api, provider) = await ArrangeAsync(ou);
        await Sync(api, provider);
        var taken = p[3] + "-taken";
        long keyUser, nameUser;
        await using (var scope = Server.SiteScope(site.Id, out var db))
        {
            var s = await db.SsoStrategies.SingleAsync(x => x.Id == provider);
            keyUser = (await db.Users.SingleAsync(u => u.Username == p[3])).Id;
            var other = Gatehouse.Provisioning.ProvisioningPolicy.NewUser(s, taken, DateTime.UtcNow);
            db.Users.Add(other);
            await db.SaveChangesAsync();
            nameUser = other.Id;
        }
        Slapd.Rename($"uid={p[3]},{ou}", $"uid={taken}");

        var summary = (await (await Sync(api, provider)).Json())["sync"]!;

        Assert.Equal(0, (int)summary["renamed"]!);
        Assert.Equal(0, (int)summary["created"]!);
        Assert.Equal(0, (int)summary["disabled"]!);
        await using (var scope = Server.SiteScope(site.Id, out var db))
        {
            var e = await db.SsoEvents.SingleAsync(x => x.Reason == "ambiguous_identity");
            Assert.Contains($"\"{p[3]}\" (id {keyUser})", e.Message);
            Assert.Contains($"\"{taken}\" (id {nameUser})", e.Message);
            Assert.Equal(p[3], (await db.Users.SingleAsync(u => u.Id == keyUser)).Username);
            Assert.False((await db.Users.SingleAsync(u => u.Id == nameUser)).Disabled);
            Assert.False((await db.Users.SingleAsync(u => u.Id == keyUser)).Disabled);
        }
    }

    [Fact]
    public async Task Sync_UserLeavesTheGroups_IsDisabledAndLosesSessions()
    {
        var (ou, p) = Directory(people: 10);
        var (site, api, provider) = await ArrangeAsync(ou);
        await Sync(api, provider);
        var token = (string)(await (await site.Anonymous(cookies: false).PostJson(HttpExtensions.Api + "/sessions", new { username = p[4], password = "Pw-" + p[4] })).Json())["id"]!;
        Slapd.Modify($"cn=team-b,{ou}", DirectoryAttributeOperation.Delete, "member", $"uid={p[4]},{ou}");

        var summary = (await (await Sync(api, provider)).Json())["sync"]!;

        Assert.Equal(1, (int)summary["disabled"]!);
        await using (var scope = Server.SiteScope(site.Id, out var db))
            Assert.True((await db.Users.SingleAsync(u => u.Username == p[4])).Disabled);
        using var client = site.Anonymous(cookies: false);
        client.DefaultRequestHeaders.Add("X-FilesAPI-Auth", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(HttpExtensions.Api + "/me")).StatusCode);

        // Back in the group: the user the sync disabled is enabled again.
        Slapd.Modify($"cn=team-b,{ou}", DirectoryAttributeOperation.Add, "member", $"uid={p[4]},{ou}");
        var again = (await (await Sync(api, provider)).Json())["sync"]!;
        Assert.Equal(1, (int)again["enabled"]!);
    }

    [Fact]
    public async Task Sync_DefaultDeprovisionBehavior_DisablesAndDeletesNobody()
    {
        var (ou, p) = Directory(people: 10);
        var (site, api, provider) = await ArrangeAsync(ou);
        await Sync(api, provider);
        Slapd.Modify($"cn=team-b,{ou}", DirectoryAttributeOperation.Delete, "member", $"uid={p[5]},{ou}");

        var summary = (await (await Sync(api, provider)).Json())["sync"]!;

        Assert.Equal(1, (int)summary["disabled"]!);
        Assert.Equal(0, (int)summary["deleted"]!);
        await using var scope = Server.SiteScope(site.Id, out var db);
        Assert.True((await db.Users.SingleAsync(u => u.Username == p[5])).Disabled);
    }

    [Fact]
    public async Task Sync_MoreEntriesThanTheServerSizeLimit_PagesThroughAll()
    {
        // slapd answers the service account at most 5 entries per search; 13 people and their group need paging.
        var ou = Slapd.NewOu();
        var names = Enumerable.Range(1, 13).Select(i => $"pg{i}-{Guid.NewGuid().ToString("N")[..4]}").ToArray();
        foreach (var n in names) Slapd.AddPerson(ou, n, "Pw-" + n);
        Slapd.AddGroup(ou, "staff", names.Select(n => $"uid={n},{ou}").ToArray());
        var (site, api, provider) = await ArrangeAsync(ou);

        var response = await Sync(api, provider);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = (await response.Json())["sync"]!;
        Assert.Equal(13, (int)summary["directory_users"]!);
        Assert.Equal(13, (int)summary["created"]!);
        await using var scope = Server.SiteScope(site.Id, out var db);
        Assert.Equal(13, await db.Users.CountAsync(u => u.SsoStrategyId == provider));
    }

    [Fact]
    public async Task Sync_DisabledInDirectory_DisablesTheUser()
    {
        var (ou, p) = Directory(people: 10);
        var (site, api, provider) = await ArrangeAsync(ou);
        await Sync(api, provider);
        Slapd.Modify($"uid={p[5]},{ou}", DirectoryAttributeOperation.Add, "objectClass", "shadowAccount");
        Slapd.Modify($"uid={p[5]},{ou}", DirectoryAttributeOperation.Add, "shadowExpire", "1");

        var summary = (await (await Sync(api, provider)).Json())["sync"]!;

        Assert.Equal(1, (int)summary["disabled"]!);
        Assert.Contains(summary["messages"]!.AsArray(), m => ((string)m!).Contains("ldap_account_expired"));
    }

    [Fact]
    public async Task Sync_DeprovisionDelete_DeletesWhoLeftAndOnlyDisablesWhomTheDirectoryDisabled()
    {
        var (ou, p) = Directory(people: 14); // 2 of 13 leave: under the 20% breaker
        var (site, api, provider) = await ArrangeAsync(ou, new() { ["deprovision_behavior"] = "delete" });
        await Sync(api, provider);
        var token = (string)(await (await site.Anonymous(cookies: false).PostJson(HttpExtensions.Api + "/sessions", new { username = p[4], password = "Pw-" + p[4] })).Json())["id"]!;
        Slapd.Modify($"cn=team-b,{ou}", DirectoryAttributeOperation.Delete, "member", $"uid={p[4]},{ou}"); // left the rules
        Slapd.Modify($"uid={p[5]},{ou}", DirectoryAttributeOperation.Add, "objectClass", "shadowAccount");  // disabled in the directory
        Slapd.Modify($"uid={p[5]},{ou}", DirectoryAttributeOperation.Add, "shadowExpire", "1");

        var summary = (await (await Sync(api, provider)).Json())["sync"]!;

        Assert.Equal(1, (int)summary["deleted"]!);
        Assert.Equal(1, (int)summary["disabled"]!);
        await using (var scope = Server.SiteScope(site.Id, out var db))
        {
            Assert.False(await db.Users.AnyAsync(u => u.Username == p[4]));
            Assert.True((await db.Users.SingleAsync(u => u.Username == p[5])).Disabled);
            Assert.Contains(await db.SsoEvents.ToListAsync(), e => e.Reason == "ldap_sync_user_deleted" && e.Username == p[4]);
        }
        using var client = site.Anonymous(cookies: false);
        client.DefaultRequestHeaders.Add("X-FilesAPI-Auth", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(HttpExtensions.Api + "/me")).StatusCode);

        // Back in the group: a fresh user is created (the old one is gone for good).
        Slapd.Modify($"cn=team-b,{ou}", DirectoryAttributeOperation.Add, "member", $"uid={p[4]},{ou}");
        Assert.Equal(1, (int)(await (await Sync(api, provider)).Json())["sync"]!["created"]!);
    }

    [Fact]
    public async Task Sync_TooManyDisables_IsHeldUntilAnAdminApproves()
    {
        var (ou, p) = Directory(people: 10);
        var (site, api, provider) = await ArrangeAsync(ou);
        await Sync(api, provider);
        // A broken rule: the inclusion now names a group with almost nobody in it.
        var patch = await api.PatchJson($"{HttpExtensions.Api}/sso_strategies/{provider}", new { provision_group_inclusion = "team-a" });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);

        var held = await Sync(api, provider);

        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        var body = await held.Json();
        Assert.Equal("held", (string?)body["sync"]!["status"]);
        Assert.Equal(6, body["held_run"]!["would_disable_user_ids"]!.AsArray().Count); // team-b: p4..p9 less the intern p10
        await using (var scope = Server.SiteScope(site.Id, out var db))
        {
            Assert.Equal(0, await db.Users.CountAsync(u => u.SsoStrategyId == provider && u.Disabled));
            Assert.Contains(await db.SsoEvents.ToListAsync(), e => e.EventType == "LDAP Sync" && e.Reason == "held_for_approval");
        }
        var status = await (await api.GetAsync($"{HttpExtensions.Api}/sso_strategies/{provider}/sync")).Json();
        Assert.NotNull(status["held_run"]);

        // Running again without approval holds again; approving applies it.
        Assert.Equal(HttpStatusCode.Accepted, (await Sync(api, provider)).StatusCode);
        var approved = await Sync(api, provider, approve: true);

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(6, (int)(await approved.Json())["sync"]!["disabled"]!);
        await using (var scope = Server.SiteScope(site.Id, out var db))
            Assert.Equal(6, await db.Users.CountAsync(u => u.SsoStrategyId == provider && u.Disabled));
        Assert.Null((await (await api.GetAsync($"{HttpExtensions.Api}/sso_strategies/{provider}/sync")).Json())["held_run"]);
    }

    [Fact]
    public async Task Sync_ApproveWithoutHeldRun_IsAConflict()
    {
        var (ou, _) = Directory(people: 4);
        var (_, api, provider) = await ArrangeAsync(ou);

        var response = await api.PostAsync($"{HttpExtensions.Api}/sso_strategies/{provider}/sync/approve", null);

        await response.AssertError(409, "processing-failure/no-held-sync-run");
    }

    [Fact]
    public async Task Sync_UsernameOfPasswordUser_IsNeverTakenOver()
    {
        var (ou, p) = Directory(people: 4);
        var (site, api, provider) = await ArrangeAsync(ou);
        var r = await api.PostJson(HttpExtensions.Api + "/users", new { username = p[0], password = "Some-Long-Pass-123!" });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        var summary = (await (await Sync(api, provider)).Json())["sync"]!;

        Assert.Equal(1, (int)summary["conflicts"]!);
        await using var scope = Server.SiteScope(site.Id, out var db);
        var user = await db.Users.SingleAsync(u => u.Username == p[0]);
        Assert.Equal("password", user.AuthenticationMethod);
        Assert.Null(user.SsoStrategyId);
    }

    [Fact]
    public async Task Sync_OnPowerPlan_IsRefused()
    {
        var site = await Server.CreateSiteAsync("power");
        using var api = site.AdminApi();
        var provider = await f.CreateProviderAsync(api);

        var response = await Sync(api, provider);

        await response.AssertError(403, "not-authorized/plan-upgrade-required");
    }

    [Fact]
    public async Task Sync_DirectoryDown_FailsWithAReadableErrorAndAnEvent()
    {
        var (ou, _) = Directory(people: 4);
        var (site, api, provider) = await ArrangeAsync(ou, new() { ["ldap_port"] = SlapdServer.FreePort() });

        var response = await Sync(api, provider);

        var error = await response.AssertError(503, "processing-failure/directory-unavailable");
        Assert.Contains("refused the connection", (string?)error["error"]);
        await using var scope = Server.SiteScope(site.Id, out var db);
        Assert.Contains(await db.SsoEvents.ToListAsync(), e => e.EventType == "LDAP Sync" && e.Status == "failure");
    }

    [Fact]
    public async Task Sync_WithoutAServiceAccount_Is422ForTheAdminToFix_NotDirectoryUnavailable()
    {
        var (ou, _) = Directory(people: 4);
        var (site, api, provider) = await ArrangeAsync(ou, new()
        {
            // Sign-in only (no provisioning options, so no service account is required to save it), then "Sync now".
            ["ldap_username"] = null, ["ldap_password"] = null, ["provision_users"] = false, ["deprovision_users"] = false,
            ["provision_groups"] = false, ["deprovision_groups"] = false,
        });

        var response = await Sync(api, provider);

        var error = await response.AssertError(422, "processing-failure/directory-misconfigured");
        Assert.Contains("service account", (string?)error["error"]);
        await using var scope = Server.SiteScope(site.Id, out var db);
        Assert.Contains(await db.SsoEvents.ToListAsync(), e => e.EventType == "LDAP Sync" && e.Reason == "directory_misconfigured");
    }

    [Fact]
    public async Task Scheduler_DueProvider_IsSynced()
    {
        var (ou, p) = Directory(people: 4);
        var (site, _, provider) = await ArrangeAsync(ou);
        await using (var scope = Server.SiteScope(site.Id, out var db))
        {
            var s = await db.SsoStrategies.SingleAsync(x => x.Id == provider);
            s.ProtocolCacheRefreshAt = DateTime.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }

        var ran = await Server.Services.GetRequiredService<LdapSyncScheduler>().RunDueAsync(CancellationToken.None);

        Assert.True(ran >= 1);
        await using (var scope = Server.SiteScope(site.Id, out var db))
        {
            Assert.Equal(3, await db.Users.CountAsync(u => u.SsoStrategyId == provider));
            Assert.True((await db.SsoStrategies.SingleAsync(x => x.Id == provider)).ProtocolCacheRefreshAt > DateTime.UtcNow.AddMinutes(30));
        }
    }
}
