using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Accounts.AccountsTestData;

namespace Gatehouse.Tests.Api;

/// <summary>Site A's admin key cannot read, change or delete site B's groups, memberships, keys, events or sessions: each is 404.</summary>
[Collection(ServerCollection.Name)]
public sealed class ResourceIsolationTests(GatehouseServer server)
{
    [Fact]
    public async Task SiteAdminOfA_ResourcesOfB_AreNotFound()
    {
        // Arrange: one of everything on site B.
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        using var apiB = b.AdminApi();
        var userB = await CreateUserAsync(apiB, "b-user");
        var groupB = (long)(await (await apiB.PostJson(Rest + "/groups", new { name = "B", user_ids = $"{userB}" })).Json())["id"]!;
        var membershipB = (long)(await (await apiB.GetAsync($"{Rest}/group_users?group_id={groupB}")).Json())[0]!["id"]!;
        var keyB = (long)(await (await apiB.PostJson(Rest + "/api_keys", new { name = "b" })).Json())["id"]!;
        var sshB = (long)(await (await apiB.PostJson(Rest + "/public_keys", new { title = "b", public_key = Ed25519Line() })).Json())["id"]!;
        var eventB = (long)(await (await apiB.GetAsync(Rest + "/sso_events?per_page=1")).Json())[0]!["id"]!;
        using var apiA = a.AdminApi();

        // Act
        var responses = new (string What, HttpResponseMessage Response)[]
        {
            ("show group", await apiA.GetAsync($"{Rest}/groups/{groupB}")),
            ("update group", await apiA.PatchJson($"{Rest}/groups/{groupB}", new { name = "pwned" })),
            ("delete group", await apiA.DeleteAsync($"{Rest}/groups/{groupB}")),
            ("show membership", await apiA.GetAsync($"{Rest}/group_users/{membershipB}")),
            ("delete membership", await apiA.DeleteAsync($"{Rest}/group_users/{membershipB}")),
            ("delete membership by pair", await apiA.SendRaw(HttpMethod.Delete, Rest + "/group_users", $"{{\"group_id\":{groupB},\"user_id\":{userB}}}")),
            ("show api key", await apiA.GetAsync($"{Rest}/api_keys/{keyB}")),
            ("update api key", await apiA.PatchJson($"{Rest}/api_keys/{keyB}", new { name = "pwned" })),
            ("delete api key", await apiA.DeleteAsync($"{Rest}/api_keys/{keyB}")),
            ("list B user's keys", await apiA.GetAsync($"{Rest}/users/{userB}/api_keys")),
            ("create key for B user", await apiA.PostJson(Rest + "/api_keys", new { name = "x", user_id = userB })),
            ("show public key", await apiA.GetAsync($"{Rest}/public_keys/{sshB}")),
            ("delete public key", await apiA.DeleteAsync($"{Rest}/public_keys/{sshB}")),
            ("list B user's public keys", await apiA.GetAsync($"{Rest}/users/{userB}/public_keys")),
            ("show event", await apiA.GetAsync($"{Rest}/sso_events/{eventB}")),
            ("list B user's sessions", await apiA.GetAsync($"{Rest}/users/{userB}/sessions")),
            ("end B user's sessions", await apiA.DeleteAsync($"{Rest}/users/{userB}/sessions")),
        };

        // Assert: all unknown on A, all intact on B.
        foreach (var (what, response) in responses)
        {
            Assert.True((int)response.StatusCode == 404, $"{what}: {(int)response.StatusCode}");
            await response.AssertError(404, "not-found/");
        }
        Assert.Equal("B", (string?)(await (await apiB.GetAsync($"{Rest}/groups/{groupB}")).Json())["name"]);
        Assert.Equal($"{userB}", (string?)(await (await apiB.GetAsync($"{Rest}/groups/{groupB}")).Json())["user_ids"]);
        Assert.Equal("b", (string?)(await (await apiB.GetAsync($"{Rest}/api_keys/{keyB}")).Json())["name"]);
        Assert.Equal("b", (string?)(await (await apiB.GetAsync($"{Rest}/public_keys/{sshB}")).Json())["title"]);
    }

    [Fact]
    public async Task Lists_OfA_ShowNothingOfB()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        using var apiB = b.AdminApi();
        var userB = await CreateUserAsync(apiB, "b-user");
        await apiB.PostJson(Rest + "/groups", new { name = "B", user_ids = $"{userB}" });
        await apiB.PostJson(Rest + "/public_keys", new { title = "b", public_key = Ed25519Line() });
        using var apiA = a.AdminApi();

        var groups = (await (await apiA.GetAsync(Rest + "/groups")).Json()).AsArray();
        var memberships = (await (await apiA.GetAsync(Rest + "/group_users")).Json()).AsArray();
        var keys = (await (await apiA.GetAsync(Rest + "/public_keys")).Json()).AsArray();
        var events = (await (await apiA.GetAsync(Rest + "/sso_events")).Json()).AsArray();

        Assert.Empty(groups);
        Assert.Empty(memberships);
        Assert.Empty(keys);
        Assert.DoesNotContain(events, e => (string?)e!["username"] == "b-user");
    }

    [Fact]
    public async Task SameSshKey_OnTwoSites_IsAllowed()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        var line = Ed25519Line();
        using var apiA = a.AdminApi();
        using var apiB = b.AdminApi();

        var onA = await apiA.PostJson(Rest + "/public_keys", new { title = "k", public_key = line });
        var onB = await apiB.PostJson(Rest + "/public_keys", new { title = "k", public_key = line });

        Assert.Equal(System.Net.HttpStatusCode.Created, onA.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Created, onB.StatusCode);
    }
}
