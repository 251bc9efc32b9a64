using System.DirectoryServices.Protocols;
using System.Net;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Tests.Ldap;

/// <summary>A Gatehouse of its own and a real Samba Active Directory domain controller, shared by the AD tests.</summary>
public sealed class ActiveDirectoryFixture : IAsyncLifetime
{
    public GatehouseServer Server { get; } = new();
    public SambaDcServer Dc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Dc = await SambaDcServer.StartAsync();
        Server.Settings["Gatehouse:Ldap:ScheduledSync"] = "false";
        Server.Settings["Gatehouse:SignIn:AttemptsPerIp"] = "10000";
        Server.Settings["Gatehouse:Ldap:AllowPlaintext"] = "true";
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Dc is not null) await Dc.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ActiveDirectoryCollection : ICollectionFixture<ActiveDirectoryFixture>
{
    public const string Name = "active-directory";
}

/// <summary>
/// The Active Directory paths against a real (Samba) domain controller: search-then-bind with a service account, direct
/// UPN and DOMAIN\user binds without one, AD's bind sub-codes and userAccountControl read and explained, objectGUID as
/// the immutable key, nested groups through LDAP_MATCHING_RULE_IN_CHAIN in sync.
/// </summary>
[Collection(ActiveDirectoryCollection.Name)]
public sealed class ActiveDirectoryTests(ActiveDirectoryFixture f)
{
    private GatehouseServer Server => f.Server;

    private async Task<(TestSite Site, HttpClient Api, long Provider)> ArrangeAsync(bool serviceAccount = true, Dictionary<string, object?>? extra = null, string plan = "premier")
    {
        var site = await Server.CreateSiteAsync(plan);
        var api = site.AdminApi();
        var body = new Dictionary<string, object?>
        {
            ["provider"] = "active_directory", ["label"] = "Corp AD " + Guid.NewGuid().ToString("N")[..6], ["ldap_type"] = "active_directory",
            ["ldap_host"] = f.Dc.Host, ["ldap_port"] = f.Dc.Port, ["ldap_base_dn"] = SambaDcServer.BaseDn,
            ["ldap_domain"] = SambaDcServer.DnsDomain, ["ldap_username_field"] = "sAMAccountName",
        };
        if (serviceAccount) { body["ldap_username"] = SambaDcServer.AdminUpn; body["ldap_password"] = SambaDcServer.AdminPassword; }
        foreach (var (k, v) in extra ?? []) body[k] = v;
        var r = await api.PostJson(HttpExtensions.Api + "/sso_strategies", body);
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (site, api, (long)(await r.Json())["id"]!);
    }

    private static Task<HttpResponseMessage> PostSession(TestSite site, string username, string password) =>
        site.Anonymous(cookies: false).PostJson(HttpExtensions.Api + "/sessions", new { username, password });

    private async Task<string?> LastReasonAsync(TestSite site, string username)
    {
        await using var scope = Server.SiteScope(site.Id, out var db);
        return (await db.SsoEvents.Where(e => e.EventType == "LDAP Login" && e.Username == username).OrderByDescending(e => e.Id).FirstAsync()).Reason;
    }

    private async Task<string> LastEventAsync(TestSite site, string username)
    {
        await using var scope = Server.SiteScope(site.Id, out var db);
        var e = await db.SsoEvents.Where(e => e.Username == username).OrderByDescending(e => e.Id).FirstAsync();
        return $"{e.EventType} {e.Status} {e.Reason} {e.Message}";
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SignIn_RightPassword_WorksWithAndWithoutServiceAccount_AndLinksTheObjectGuid(bool serviceAccount)
    {
        var (site, api, provider) = await ArrangeAsync(serviceAccount);
        var userId = await LdapFixture.CreateDirectoryUserAsync(api, provider, "alice");

        var web = await site.Anonymous().SignIn("alice", SambaDcServer.PasswordOf("alice"));
        var rest = await PostSession(site, "alice", SambaDcServer.PasswordOf("alice"));

        Assert.Equal(HttpStatusCode.Redirect, web.StatusCode);
        Assert.Equal(HttpStatusCode.Created, rest.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostSession(site, "alice", "Wrong-Pass-9!")).StatusCode);
        if (serviceAccount)
        {
            await using var scope = Server.SiteScope(site.Id, out var db);
            var link = await db.SsoIdentityLinks.SingleAsync(l => l.UserId == userId);
            Assert.True(Guid.TryParse(link.Subject, out _), link.Subject); // objectGUID, not the name
        }
    }

    [Fact]
    public async Task SignIn_UpnUsernameField_UsesTheDomainSuffix()
    {
        var (site, api, provider) = await ArrangeAsync(extra: new() { ["ldap_username_field"] = "userPrincipalName" });
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "frank");

        var r = await PostSession(site, "frank", SambaDcServer.PasswordOf("frank"));
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync() + " " + await LastEventAsync(site, "frank"));
    }

    [Fact]
    public async Task SignIn_DownLevelDomain_BindsAsDomainBackslashUser()
    {
        var (site, api, provider) = await ArrangeAsync(serviceAccount: false, extra: new() { ["ldap_domain"] = SambaDcServer.NetbiosDomain });
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "frank");

        var r = await PostSession(site, "frank", SambaDcServer.PasswordOf("frank"));
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync() + " " + await LastEventAsync(site, "frank"));
    }

    [Theory]
    [InlineData(true, "bob", "ad_account_disabled")]       // userAccountControl ACCOUNTDISABLE / bind data 533
    [InlineData(false, "bob", "ad_account_disabled")]
    [InlineData(true, "dave", "ad_account_expired")]       // accountExpires in the past / data 701
    [InlineData(false, "dave", "ad_account_expired")]
    [InlineData(true, "carol2", "ad_must_change_password")] // pwdLastSet=0 / data 773
    [InlineData(false, "carol2", "ad_must_change_password")]
    public async Task SignIn_RestrictedAccount_IsExplainedWithTheRightReason(bool serviceAccount, string user, string reason)
    {
        var (site, api, provider) = await ArrangeAsync(serviceAccount);
        await LdapFixture.CreateDirectoryUserAsync(api, provider, user);

        var web = await site.Anonymous().SignIn(user, SambaDcServer.PasswordOf(user));
        var rest = await PostSession(site, user, SambaDcServer.PasswordOf(user));

        Assert.Contains("cannot sign in right now", await web.Content.ReadAsStringAsync());
        await rest.AssertError(401, "not-authenticated/directory-account-restricted");
        Assert.Equal(reason, await LastReasonAsync(site, user));
    }

    [Fact]
    public async Task SignIn_AfterTheDomainLockoutThreshold_IsExplainedAsLocked()
    {
        var (site, api, provider) = await ArrangeAsync(serviceAccount: false);
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "erin");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await PostSession(site, "erin", "Wrong-Pass-" + i)).StatusCode);

        var rest = await PostSession(site, "erin", SambaDcServer.PasswordOf("erin")); // right password, locked account: data 775

        Assert.Equal("ad_account_locked", await LastReasonAsync(site, "erin"));
        await rest.AssertError(401, "not-authenticated/directory-account-restricted");
    }

    [Fact]
    public async Task SignIn_EmptyPassword_IsRefusedBeforeAnyBind()
    {
        var (site, api, provider) = await ArrangeAsync(serviceAccount: false);
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "alice");

        // AD treats a simple bind with an empty password as an anonymous bind that "succeeds" (RFC 4513 §5.1.2): an
        // empty password is refused by the API's validation, a blank one by the directory check before any bind.
        await (await PostSession(site, "alice", "")).AssertError(422);
        var rest = await PostSession(site, "alice", "   ");

        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
        await using var scope = Server.SiteScope(site.Id, out var db);
        Assert.Equal("empty_password", (await db.SsoEvents.Where(e => e.Username == "alice").OrderByDescending(e => e.Id).FirstAsync()).Reason);
    }

    [Fact]
    public async Task Sync_NestedGroupsThroughInChain_CreatesInScopeUsersAndFollowsRenames()
    {
        // staff ⊃ team-a ⊃ {alice, bob (disabled), erin (intern)}; staff ⊃ frank. Inclusion staff, exclusion interns.
        var (site, api, provider) = await ArrangeAsync(extra: new()
        {
            ["ldap_base_dn"] = SambaDcServer.UsersDn, ["provision_users"] = true, ["deprovision_users"] = true, ["provision_groups"] = true,
            ["provision_group_inclusion"] = "staff", ["provision_group_exclusion"] = "interns",
        });

        var first = await api.PostJson($"{HttpExtensions.Api}/sso_strategies/{provider}/sync", new { });

        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        await using (var scope = Server.SiteScope(site.Id, out var db))
        {
            var names = await db.Users.Where(u => u.SsoStrategyId == provider).Select(u => u.Username).OrderBy(n => n).ToListAsync();
            Assert.Equal(["alice", "frank"], names);
            var alice = await db.Users.Include(u => u.Memberships).ThenInclude(m => m.Group).SingleAsync(u => u.Username == "alice");
            Assert.Contains(alice.Memberships, m => m.Group!.Name == "staff"); // only through team-a: the chain was followed
        }
        Assert.Equal(HttpStatusCode.Created, (await PostSession(site, "alice", SambaDcServer.PasswordOf("alice"))).StatusCode);

        // A rename in AD keeps the objectGUID: the same Gatehouse user is renamed, never duplicated.
        f.Dc.Modify($"CN=Frank Ad,{SambaDcServer.UsersDn}", DirectoryAttributeOperation.Replace, "sAMAccountName", "frank.renamed");
        try
        {
            var second = await (await api.PostJson($"{HttpExtensions.Api}/sso_strategies/{provider}/sync", new { })).Json();
            // The whole answer on failure: a rename missed once in a CI run (the second of two in a row) with no more to go on.
            Assert.True((int)second["sync"]!["renamed"]! == 1, "the second sync did not report one rename: " + second.ToJsonString());
            await using var scope = Server.SiteScope(site.Id, out var db);
            Assert.True(await db.Users.AnyAsync(u => u.Username == "frank.renamed" && u.SsoStrategyId == provider));
            Assert.False(await db.Users.AnyAsync(u => u.Username == "frank"));
        }
        finally { f.Dc.Modify($"CN=Frank Ad,{SambaDcServer.UsersDn}", DirectoryAttributeOperation.Replace, "sAMAccountName", "frank"); }
    }

    [Fact]
    public async Task TestConnection_AgainstTheDc_ReportsEachStep()
    {
        var (_, api, provider) = await ArrangeAsync();

        var report = await (await api.PostJson($"{HttpExtensions.Api}/sso_strategies/{provider}/test_connection", new { username = "alice" })).Json();

        Assert.True((bool)report["ok"]!, report.ToJsonString());
        Assert.Contains(report["steps"]!.AsArray(), s => (string)s!["step"]! == "search" && ((string)s["message"]!).Contains("alice is CN=Alice Ad,CN=Users,DC=gatehouse,DC=test"));
    }
}
