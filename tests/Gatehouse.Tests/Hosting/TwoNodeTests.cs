using System.Net;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Hosting;

/// <summary>
/// Two Gatehouse processes behind one (imaginary) load balancer: a browser may reach either node on any request.
/// Sessions, antiforgery tokens and the Data Protection key ring must live in the database, not in a process.
/// </summary>
public sealed class TwoNodeTests(TwoNodeCluster cluster) : IClassFixture<TwoNodeCluster>
{
    private const string Me = HttpExtensions.Api + "/me";

    // On PostgreSQL this fails about 2 runs in 5 ("relation … already exists"): EF's migration lock there lasts one
    // transaction (one migration), so two nodes interleave their migrations. Unskip with the advisory-lock fix in
    // DatabaseSetup.MigrateAsync (verified: 5/5 passes with it, 3/5 without).
    [Fact]
    public async Task Startup_TwoNodesAtOnceOnFreshDatabase_BothBecomeHealthy()
    {
        // A deployment starts every node together on an empty (or older) database: both apply migrations at once.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "gatehouse-tests", "two-node-start-" + Guid.NewGuid().ToString("N"));
        var environment = await GatehouseProgram.FreshEnvironmentAsync(dataDirectory);
        try
        {
            await using var node1 = GatehouseNode.Start("node 1", environment, dataDirectory);
            await using var node2 = GatehouseNode.Start("node 2", environment, dataDirectory);

            var healthy = Task.WhenAll(node1.WaitHealthyAsync(TimeSpan.FromSeconds(90)), node2.WaitHealthyAsync(TimeSpan.FromSeconds(90)));

            await healthy; // throws with the failing node's output
        }
        finally
        {
            try { Directory.Delete(dataDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [Fact]
    public async Task Session_SignedInOnNodeOne_IsAcceptedByNodeTwo()
    {
        var site = await cluster.CreateSiteAsync();
        var cookies = new CookieContainer();
        using var node1 = cluster.Node1.Client(site.Subdomain, cookies);
        using var node2 = cluster.Node2.Client(site.Subdomain, cookies);

        var signIn = await node1.SignIn(site.AdminUsername, site.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var me = await node2.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(site.AdminUsername, (string?)(await me.Json())["username"]);
    }

    [Fact]
    public async Task SignOut_OnNodeTwo_EndsSessionOnNodeOne()
    {
        var site = await cluster.CreateSiteAsync();
        var cookies = new CookieContainer();
        using var node1 = cluster.Node1.Client(site.Subdomain, cookies);
        using var node2 = cluster.Node2.Client(site.Subdomain, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await node1.SignIn(site.AdminUsername, site.AdminPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node1.GetAsync(Me)).StatusCode); // node 1 has seen (and may cache) the session
        var sessionCookie = cookies.GetCookies(node1.BaseAddress!).Single(c => c.Name == "gh_session").Value;

        var signOut = await node2.PostForm("/logout", []);

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        // Replay the old cookie, as a stolen copy would be: node 1 must refuse it too.
        using var replay = new HttpRequestMessage(HttpMethod.Get, Me);
        replay.Headers.Add("Cookie", "gh_session=" + sessionCookie);
        using var stolen = cluster.Node1.Client(site.Subdomain, new CookieContainer());
        Assert.Equal(HttpStatusCode.Unauthorized, (await stolen.SendAsync(replay)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await node1.GetAsync(Me)).StatusCode);
    }

    [Fact]
    public async Task Antiforgery_TokenFromNodeOne_IsAcceptedByNodeTwo()
    {
        var site = await cluster.CreateSiteAsync();
        var cookies = new CookieContainer();
        using var node1 = cluster.Node1.Client(site.Subdomain, cookies);
        using var node2 = cluster.Node2.Client(site.Subdomain, cookies);
        var token = await node1.AntiforgeryToken("/login");

        var response = await node2.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = site.AdminUsername, ["password"] = site.AdminPassword, ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node1.GetAsync(Me)).StatusCode);
    }

    [Fact]
    public async Task ApiKey_FromCliCreatedSite_WorksOnBothNodes()
    {
        var site = await cluster.CreateSiteAsync();

        var answers = new List<HttpStatusCode>();
        foreach (var node in new[] { cluster.Node1, cluster.Node2 })
        {
            using var api = node.Client(site.Subdomain, new CookieContainer());
            api.DefaultRequestHeaders.Add("X-FilesAPI-Key", site.ApiKey);
            answers.Add((await api.GetAsync(Me)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], answers);
    }
}
