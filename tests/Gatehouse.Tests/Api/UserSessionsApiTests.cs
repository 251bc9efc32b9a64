using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Accounts.AccountsTestData;

namespace Gatehouse.Tests.Api;

[Collection(ServerCollection.Name)]
public sealed class UserSessionsApiTests(GatehouseServer server)
{
    private static async Task<string> SessionAsync(TestSite site, string username, string password)
    {
        using var anonymous = site.Anonymous(cookies: false);
        var response = await anonymous.PostJson(Rest + "/sessions", new { username, password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Json())["id"]!;
    }

    private static HttpClient WithSession(TestSite site, string session)
    {
        var c = site.Anonymous(cookies: false);
        c.DefaultRequestHeaders.Add("X-FilesAPI-Auth", session);
        return c;
    }

    [Fact]
    public async Task List_ShowsLiveSessionsWithoutTokens()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var userId = await CreateUserAsync(admin, "worker");
        var token = await SessionAsync(site, "worker", Password);

        var response = await admin.GetAsync($"{Rest}/users/{userId}/sessions");

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(token, text);
        var session = Assert.Single((await response.Json()).AsArray())!;
        Assert.Equal("api", (string?)session["kind"]);
        Assert.NotNull((string?)session["expires_at"]);
        Assert.NotNull((string?)session["last_seen_at"]);
    }

    [Fact]
    public async Task DeleteAll_EndsEverySession()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var userId = await CreateUserAsync(admin, "worker");
        using var one = WithSession(site, await SessionAsync(site, "worker", Password));
        using var two = WithSession(site, await SessionAsync(site, "worker", Password));

        var delete = await admin.DeleteAsync($"{Rest}/users/{userId}/sessions");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await (await one.GetAsync(Rest + "/me")).AssertError(401, "not-authenticated/");
        await (await two.GetAsync(Rest + "/me")).AssertError(401, "not-authenticated/");
        Assert.Empty((await (await admin.GetAsync($"{Rest}/users/{userId}/sessions")).Json()).AsArray());
    }

    [Fact]
    public async Task DeleteOne_EndsOnlyThatSession()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var userId = await CreateUserAsync(admin, "worker");
        using var one = WithSession(site, await SessionAsync(site, "worker", Password));
        using var two = WithSession(site, await SessionAsync(site, "worker", Password));
        var sessions = (await (await admin.GetAsync($"{Rest}/users/{userId}/sessions")).Json()).AsArray();

        var delete = await admin.DeleteAsync($"{Rest}/users/{userId}/sessions/{sessions[0]!["id"]}");
        var again = await admin.DeleteAsync($"{Rest}/users/{userId}/sessions/{sessions[0]!["id"]}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await again.AssertError(404, "not-found/session-not-found");
        await (await one.GetAsync(Rest + "/me")).AssertError(401, "not-authenticated/");
        Assert.Equal(HttpStatusCode.OK, (await two.GetAsync(Rest + "/me")).StatusCode);
    }

    [Fact]
    public async Task DeleteOne_SessionOfAnotherUser_Is404()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var userId = await CreateUserAsync(admin, "worker");
        await SessionAsync(site, site.AdminUsername, site.AdminPassword);
        var adminSession = (await (await admin.GetAsync($"{Rest}/users/{site.AdminUserId}/sessions")).Json())[0]!["id"];

        var response = await admin.DeleteAsync($"{Rest}/users/{userId}/sessions/{adminSession}");

        await response.AssertError(404, "not-found/session-not-found");
    }

    [Fact]
    public async Task NonAdmin_Is403()
    {
        var site = await server.CreateSiteAsync();
        var (userId, user) = await PlainUserAsync(site);
        using var _ = user;

        await (await user.GetAsync($"{Rest}/users/{userId}/sessions")).AssertError(403, "not-authorized/site-admin-required");
        await (await user.DeleteAsync($"{Rest}/users/{site.AdminUserId}/sessions")).AssertError(403, "not-authorized/site-admin-required");
    }
}
