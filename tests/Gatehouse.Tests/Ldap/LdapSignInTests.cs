using System.Net;
using Gatehouse.Accounts;
using Gatehouse.Ldap;
using Gatehouse.Providers;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Ldap;

/// <summary>Directory passwords checked live against a real slapd, through the web form and <c>POST /sessions</c>.</summary>
[Collection(LdapCollection.Name)]
public sealed class LdapSignInTests(LdapFixture f)
{
    private GatehouseServer Server => f.Server;

    private async Task<(TestSite Site, HttpClient Api, long Provider)> ArrangeAsync(Dictionary<string, object?>? extra = null)
    {
        var site = await Server.CreateSiteAsync();
        var api = site.AdminApi();
        var provider = await f.CreateProviderAsync(api, extra);
        return (site, api, provider);
    }

    private static async Task<HttpResponseMessage> PostSession(TestSite site, string username, string password) =>
        await site.Anonymous(cookies: false).PostJson(HttpExtensions.Api + "/sessions", new { username, password });

    [Fact]
    public async Task WebForm_DirectoryUserWithRightPassword_SignsInAndLinksTheEntryUuid()
    {
        var (site, api, provider) = await ArrangeAsync();
        var userId = await LdapFixture.CreateDirectoryUserAsync(api, provider, "alice");
        using var browser = site.Anonymous();

        var response = await browser.SignIn("alice", "Alice-Pass-1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var me = await (await browser.GetAsync(HttpExtensions.Api + "/me")).Json();
        Assert.Equal("alice", (string?)me["username"]);
        await using var scope = Server.SiteScope(site.Id, out var db);
        var link = await db.SsoIdentityLinks.SingleAsync(l => l.UserId == userId);
        Assert.Equal($"ldap:{provider}", link.Issuer);
        Assert.Matches("^[0-9a-f-]{36}$", link.Subject);
        Assert.Contains(await db.SsoEvents.ToListAsync(), e => e.EventType == "LDAP Login" && e.Status == "success" && e.UserId == userId);
    }

    [Fact]
    public async Task PostSessions_DirectoryUser_GetsASessionThatWorks()
    {
        var (site, api, provider) = await ArrangeAsync();
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "bob");

        var response = await PostSession(site, "bob", "Bob-Pass-1");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var token = (string)(await response.Json())["id"]!;
        using var client = site.Anonymous(cookies: false);
        client.DefaultRequestHeaders.Add("X-FilesAPI-Auth", token);
        Assert.Equal("bob", (string?)(await (await client.GetAsync(HttpExtensions.Api + "/me")).Json())["username"]);
    }

    [Fact]
    public async Task SignIn_WrongPassword_IsRefusedOnBothPaths()
    {
        var (site, api, provider) = await ArrangeAsync();
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "carol");

        var web = await site.Anonymous().SignIn("carol", "Alice-Pass-1");
        var rest = await PostSession(site, "carol", "nope");

        Assert.Contains("Invalid username or password.", await web.Content.ReadAsStringAsync());
        await rest.AssertError(401, "not-authenticated/invalid-username-or-password");
    }

    [Fact]
    public async Task SignIn_NonAsciiUsernameAndPasswordWithSpecialCharactersInDn_SignsIn()
    {
        var (site, api, provider) = await ArrangeAsync();
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "zoë");

        var response = await PostSession(site, "zoë", "Zoé-Pässwort-1");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\0")]
    [InlineData("\t \n")]
    public async Task Check_EmptyOrBlankPassword_NeverBindsEvenWhereTheServerWouldAcceptIt(string password)
    {
        // The fixture's slapd allows unauthenticated binds (bind_anon_dn), as AD does: an empty password would "succeed".
        var (site, _, provider) = await ArrangeAsync(new() { ["ldap_username"] = null, ["ldap_password"] = null });
        var before = BindsOf("uid=dave,");

        var result = await CheckAsync(site, provider, "dave", password);

        Assert.Equal(DirectoryCheckOutcome.InvalidCredentials, result.Outcome);
        Assert.Equal("empty_password", result.Reason);
        await Task.Delay(200);
        Assert.Equal(before, BindsOf("uid=dave,"));
    }

    [Fact]
    public async Task SignIn_EmptyOrBlankPassword_IsRefusedBeforeTheDirectory()
    {
        var (site, api, provider) = await ArrangeAsync(new() { ["ldap_username"] = null, ["ldap_password"] = null, ["ldap_base_dn"] = "ou=people," + SlapdServer.BaseDn });
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "dave");
        var before = BindsOf("uid=dave,");

        var web = await site.Anonymous().SignIn("dave", "");
        var blank = await PostSession(site, "dave", "   ");
        var empty = await PostSession(site, "dave", "");

        Assert.Contains("Invalid username or password.", await web.Content.ReadAsStringAsync());
        await blank.AssertError(401, "not-authenticated/invalid-username-or-password");
        await empty.AssertError(422);
        await Task.Delay(200);
        Assert.Equal(before, BindsOf("uid=dave,"));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("a*")]
    [InlineData(")(uid=*")]
    [InlineData("*)(objectClass=*")]
    [InlineData("admin)(|(uid=*")]
    [InlineData("*)(|(uid=*")]
    public async Task SignIn_FilterInjectionInUsername_MatchesNoOtherUser(string username)
    {
        var (site, api, provider) = await ArrangeAsync();
        await LdapFixture.CreateDirectoryUserAsync(api, provider, username);

        var response = await PostSession(site, username, "Alice-Pass-1");

        await response.AssertError(401, "not-authenticated/invalid-username-or-password");
        await using var scope = Server.SiteScope(site.Id, out var db);
        var e = await db.SsoEvents.Where(x => x.Username == username).OrderByDescending(x => x.Id).FirstAsync();
        Assert.Equal("failure", e.Status);
        Assert.Equal("directory_user_not_found", e.Reason); // the injected filter matched nobody, so no bind happened
    }

    [Theory]
    [InlineData("\\2a")]
    [InlineData("al\\*")]
    [InlineData("alice\0")]
    [InlineData("*")]
    public async Task Check_InjectionPayloadsDirectly_NeverValid(string username)
    {
        var (site, _, provider) = await ArrangeAsync();

        var result = await CheckAsync(site, provider, username, "Alice-Pass-1");

        Assert.Equal(DirectoryCheckOutcome.InvalidCredentials, result.Outcome);
    }

    [Theory]
    [InlineData("alice,ou=people")]
    [InlineData("alice+cn=Alice Able")]
    [InlineData("#alice")]
    public async Task Check_DnInjectionWithoutServiceAccount_IsEscapedAndRefused(string username)
    {
        var (site, _, provider) = await ArrangeAsync(new() { ["ldap_username"] = null, ["ldap_password"] = null, ["ldap_base_dn"] = "ou=people," + SlapdServer.BaseDn });

        var result = await CheckAsync(site, provider, username, "Alice-Pass-1");

        Assert.Equal(DirectoryCheckOutcome.InvalidCredentials, result.Outcome);
    }

    [Fact]
    public async Task Check_DirectBindWithoutServiceAccount_SignsIn()
    {
        var (site, _, provider) = await ArrangeAsync(new() { ["ldap_username"] = null, ["ldap_password"] = null, ["ldap_base_dn"] = "ou=people," + SlapdServer.BaseDn });

        var result = await CheckAsync(site, provider, "alice", "Alice-Pass-1");

        Assert.Equal(DirectoryCheckOutcome.Valid, result.Outcome);
    }

    [Fact]
    public async Task SignIn_DisabledDirectoryAccount_IsExplainedAndAudited()
    {
        var (site, api, provider) = await ArrangeAsync();
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "frank");

        var web = await site.Anonymous().SignIn("frank", "Frank-Pass-1");
        var rest = await PostSession(site, "frank", "Frank-Pass-1");

        Assert.Contains("cannot sign in right now", await web.Content.ReadAsStringAsync());
        await rest.AssertError(401, "not-authenticated/directory-account-restricted");
        await using var scope = Server.SiteScope(site.Id, out var db);
        Assert.Contains(await db.SsoEvents.ToListAsync(), e => e.EventType == "LDAP Login" && e.Reason == "ldap_account_expired");
    }

    [Fact]
    public async Task SignIn_StoppedDirectory_SaysSoAndPasswordUsersStillSignIn()
    {
        var stopped = await SlapdServer.StartAsync();
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();
        var provider = await f.CreateProviderAsync(api, new() { ["ldap_port"] = stopped.LdapPort });
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "alice");
        Assert.Equal(HttpStatusCode.Created, (await PostSession(site, "alice", "Alice-Pass-1")).StatusCode);
        await stopped.DisposeAsync();

        var web = await site.Anonymous().SignIn("alice", "Alice-Pass-1");
        var rest = await PostSession(site, "alice", "Alice-Pass-1");
        var admin = await site.Anonymous().SignIn(site.AdminUsername, site.AdminPassword);

        Assert.Contains("could not be reached", await web.Content.ReadAsStringAsync());
        await rest.AssertError(503, "processing-failure/directory-unavailable");
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        await using var scope = Server.SiteScope(site.Id, out var db);
        var e = await db.SsoEvents.Where(x => x.EventType == "LDAP Login" && x.Status == "failure").OrderByDescending(x => x.Id).FirstAsync();
        Assert.Equal("unreachable", e.Reason);
        Assert.Contains("refused the connection", e.Message);
    }

    [Fact]
    public async Task SignIn_DirectoryThatNeverAnswers_TimesOutAndOthersStillSignIn()
    {
        // A directory that accepts the connection and then says nothing: the check must give up on its own.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        // Accepted on another thread while the sign-in retries: a concurrent collection, drained after the listener stops.
        var held = new System.Collections.Concurrent.ConcurrentQueue<System.Net.Sockets.TcpClient>();
        _ = Task.Run(async () => { try { while (true) held.Enqueue(await silent.AcceptTcpClientAsync()); } catch (Exception) { } });
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();
        var hanging = await f.CreateProviderAsync(api, new() { ["ldap_port"] = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port });
        var working = await f.CreateProviderAsync(api);
        await LdapFixture.CreateDirectoryUserAsync(api, hanging, "alice");
        await LdapFixture.CreateDirectoryUserAsync(api, working, "bob");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var stuck = PostSession(site, "alice", "Alice-Pass-1");
        var other = await PostSession(site, "bob", "Bob-Pass-1");     // another provider, meanwhile
        var admin = await PostSession(site, site.AdminUsername, site.AdminPassword); // a password user, meanwhile
        var response = await stuck;
        watch.Stop();

        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.Equal(HttpStatusCode.Created, admin.StatusCode);
        await response.AssertError(503, "processing-failure/directory-unavailable");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(12), $"took {watch.Elapsed}"); // CheckDeadline is 8 s in the fixture
        silent.Stop();
        while (held.TryDequeue(out var c)) c.Dispose();
    }

    [Fact]
    public async Task SignIn_FirstHostDown_FailsOverToSecondHost()
    {
        var (site, api, provider) = await ArrangeAsync(new() { ["ldap_host"] = "127.0.0.2", ["ldap_host_2"] = "127.0.0.1" });
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "alice");

        var response = await PostSession(site, "alice", "Alice-Pass-1");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_LdapsWithUploadedCa_Works()
    {
        var (site, api, provider) = await ArrangeAsync(new() { ["ldap_port"] = f.Slapd.LdapsPort, ["ldap_secure"] = true, ["ldap_ca_certificate"] = f.Slapd.CaPem });
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "alice");

        var response = await PostSession(site, "alice", "Alice-Pass-1");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_StartTlsWithUploadedCa_Works()
    {
        var (site, api, provider) = await ArrangeAsync(new() { ["ldap_start_tls"] = true, ["ldap_ca_certificate"] = f.Slapd.CaPem });
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "alice");

        var response = await PostSession(site, "alice", "Alice-Pass-1");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task SignIn_TlsWithoutTheRightCa_FailsClosedWithATlsMessage(bool ldaps, bool otherCa)
    {
        var extra = new Dictionary<string, object?> { [ldaps ? "ldap_secure" : "ldap_start_tls"] = true };
        if (ldaps) extra["ldap_port"] = f.Slapd.LdapsPort;
        if (otherCa) extra["ldap_ca_certificate"] = f.Slapd.OtherCaPem;
        var (site, api, provider) = await ArrangeAsync(extra);
        await LdapFixture.CreateDirectoryUserAsync(api, provider, "alice");
        var before = BindsOf("uid=alice,");

        var response = await PostSession(site, "alice", "Alice-Pass-1");

        await response.AssertError(503, "processing-failure/directory-unavailable");
        await using var scope = Server.SiteScope(site.Id, out var db);
        var e = await db.SsoEvents.Where(x => x.EventType == "LDAP Login").OrderByDescending(x => x.Id).FirstAsync();
        Assert.StartsWith("TLS: the server certificate", e.Message);
        Assert.Contains(otherCa ? "does not chain to the uploaded CA" : "not trusted", e.Message);
        Assert.Equal(before, BindsOf("uid=alice,")); // no bind, above all none in clear after a failed StartTLS (L4)
    }

    [Fact]
    public async Task TestConnection_GoodSettings_ReportsEveryStepOk()
    {
        var (site, api, provider) = await ArrangeAsync(new() { ["ldap_port"] = f.Slapd.LdapsPort, ["ldap_secure"] = true, ["ldap_ca_certificate"] = f.Slapd.CaPem });

        var response = await api.PostJson($"{HttpExtensions.Api}/sso_strategies/{provider}/test_connection", new { username = "alice" });

        var body = await response.Json();
        Assert.True((bool)body["ok"]!, body.ToJsonString());
        var steps = body["steps"]!.AsArray().Select(s => ((string)s!["step"]!, (string)s["status"]!)).ToList();
        Assert.Equal([("connect", "ok"), ("tls", "ok"), ("bind", "ok"), ("search", "ok")], steps);
        Assert.Contains("uid=alice,ou=people", body.ToJsonString());
    }

    [Fact]
    public async Task TestConnection_WithoutCa_ReportsTheTlsStep()
    {
        var (site, api, provider) = await ArrangeAsync(new() { ["ldap_port"] = f.Slapd.LdapsPort, ["ldap_secure"] = true });

        var body = await (await api.PostJson($"{HttpExtensions.Api}/sso_strategies/{provider}/test_connection", new { })).Json();

        Assert.False((bool)body["ok"]!);
        var tls = body["steps"]!.AsArray().Single(s => (string)s!["step"]! == "tls")!;
        Assert.Equal("failed", (string?)tls["status"]);
        Assert.Contains("not trusted", (string?)tls["message"]);
    }

    [Fact]
    public async Task TestConnection_WrongServicePassword_ReportsTheBindStep()
    {
        var (site, api, provider) = await ArrangeAsync(new() { ["ldap_password"] = "wrong" });

        var body = await (await api.PostJson($"{HttpExtensions.Api}/sso_strategies/{provider}/test_connection", new { })).Json();

        var bind = body["steps"]!.AsArray().Single(s => (string)s!["step"]! == "bind")!;
        Assert.Equal("failed", (string?)bind["status"]);
        Assert.Contains("refused the service account", (string?)bind["message"]);
    }

    [Fact]
    public async Task LoginUrl_OfLdapProvider_LeadsToThePasswordForm()
    {
        var (site, _, provider) = await ArrangeAsync();

        var response = await site.Anonymous().GetAsync($"/sso/{provider}/login");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.OriginalString);
    }

    private int BindsOf(string dnPrefix) =>
        f.Slapd.Log.Split('\n').Count(l => l.Contains(" BIND dn=\"" + dnPrefix, StringComparison.OrdinalIgnoreCase));

    private async Task<DirectoryCheckResult> CheckAsync(TestSite site, long provider, string username, string password)
    {
        await using var scope = Server.SiteScope(site.Id, out var db);
        var strategy = await db.SsoStrategies.SingleAsync(s => s.Id == provider);
        var user = new User { Id = -1, Username = username, UsernameNormalized = username.ToLowerInvariant(), AuthenticationMethod = "sso", SsoStrategyId = provider };
        return await scope.ServiceProvider.GetRequiredService<IDirectoryPasswordCheck>().CheckAsync(strategy, user, password, CancellationToken.None);
    }
}
