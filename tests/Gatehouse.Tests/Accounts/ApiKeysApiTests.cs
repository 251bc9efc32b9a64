using System.Net;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Tests.Accounts.AccountsTestData;

namespace Gatehouse.Tests.Accounts;

[Collection(ServerCollection.Name)]
public sealed class ApiKeysApiTests(GatehouseServer server)
{
    [Fact]
    public async Task Create_ReturnsKeyOnce_AndStoresOnlyItsHash()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();

        var response = await admin.PostJson(Rest + "/api_keys", new { name = "ci", description = "build bot", permission_set = "desktop_app" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Json();
        var key = (string)created["key"]!;
        var id = (long)created["id"]!;
        Assert.Equal("ci", (string?)created["name"]);
        Assert.Equal("desktop_app", (string?)created["permission_set"]);
        Assert.Equal(site.AdminUserId, (long)created["user_id"]!);
        Assert.StartsWith(key[..4], (string?)created["descriptive_label"]);
        Assert.Null(created["platform"]);
        var shown = await (await admin.GetAsync($"{Rest}/api_keys/{id}")).Json();
        Assert.Null(shown["key"]);
        var listed = await admin.GetStringAsync(Rest + "/api_keys");
        Assert.DoesNotContain(key, listed);
        await using var scope = server.SiteScope(site.Id, out var db);
        var stored = await db.ApiKeys.SingleAsync(k => k.Id == id);
        Assert.NotEqual(key, Convert.ToHexString(stored.KeyHash));
    }

    [Fact]
    public async Task CreatedKey_AuthenticatesAsItsUser()
    {
        var site = await server.CreateSiteAsync();
        var (userId, user) = await PlainUserAsync(site, "keyholder");
        using var _ = user;

        var me = await (await user.GetAsync(Rest + "/me")).Json();

        Assert.Equal(userId, (long)me["id"]!);
    }

    [Fact]
    public async Task ExpiredKey_IsRejected()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var created = await (await admin.PostJson(Rest + "/api_keys", new { name = "short", expires_at = DateTime.UtcNow.AddHours(1).ToString("O") })).Json();
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            var stored = await db.ApiKeys.SingleAsync(k => k.Id == (long)created["id"]!);
            stored.ExpiresAt = DateTime.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }
        using var client = site.Anonymous(cookies: false);
        client.DefaultRequestHeaders.Add("X-FilesAPI-Key", (string)created["key"]!);

        var response = await client.GetAsync(Rest + "/me");

        await response.AssertError(401, "not-authenticated/");
    }

    [Theory]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"x\",\"permission_set\":\"x\"}", "permission_set")]
    [InlineData("{\"name\":\"x\",\"expires_at\":\"2001-01-01T00:00:00Z\"}", "expires_at")]
    [InlineData("{\"name\":\"x\",\"expires_at\":\"soon\"}", "expires_at")]
    public async Task Create_InvalidField_Is422NamingTheField(string body, string field)
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();

        var response = await admin.SendRaw(HttpMethod.Post, Rest + "/api_keys", body);

        var error = await response.AssertError(422, "processing-failure/");
        Assert.NotNull(error["model-errors"]![field]);
    }

    [Fact]
    public async Task Update_ChangesNameDescriptionAndExpiry()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var id = (long)(await (await admin.PostJson(Rest + "/api_keys", new { name = "old" })).Json())["id"]!;
        var expires = DateTime.UtcNow.AddDays(30);

        var response = await admin.PatchJson($"{Rest}/api_keys/{id}", new { name = "new", description = "d", expires_at = expires.ToString("O") });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var key = await response.Json();
        Assert.Equal("new", (string?)key["name"]);
        Assert.Equal("d", (string?)key["description"]);
        Assert.Equal(expires, (DateTime)key["expires_at"]!, TimeSpan.FromSeconds(1));
        Assert.Null(key["key"]);
    }

    [Fact]
    public async Task Delete_KeyNoLongerAuthenticates()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var created = await (await admin.PostJson(Rest + "/api_keys", new { name = "temp" })).Json();
        using var client = site.Anonymous(cookies: false);
        client.DefaultRequestHeaders.Add("X-FilesAPI-Key", (string)created["key"]!);

        var delete = await admin.DeleteAsync($"{Rest}/api_keys/{created["id"]}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await (await client.GetAsync(Rest + "/me")).AssertError(401, "not-authenticated/");
    }

    [Fact]
    public async Task NonAdmin_ListsAndCreatesOnlyOwnKeys()
    {
        var site = await server.CreateSiteAsync();
        var (userId, user) = await PlainUserAsync(site);
        using var _ = user;

        var created = await user.PostJson(Rest + "/api_keys", new { name = "mine" });
        var list = (await (await user.GetAsync(Rest + "/api_keys")).Json()).AsArray();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(userId, (long)(await created.Json())["user_id"]!);
        Assert.Equal(2, list.Count);
        Assert.All(list, k => Assert.Equal(userId, (long)k!["user_id"]!));
    }

    [Fact]
    public async Task NonAdmin_NamingAnotherUser_Is403()
    {
        var site = await server.CreateSiteAsync();
        var (_, user) = await PlainUserAsync(site);
        using var _ = user;

        var list = await user.GetAsync($"{Rest}/api_keys?user_id={site.AdminUserId}");
        var nested = await user.GetAsync($"{Rest}/users/{site.AdminUserId}/api_keys");
        var create = await user.PostJson(Rest + "/api_keys", new { name = "evil", user_id = site.AdminUserId });

        await list.AssertError(403, "not-authorized/site-admin-required");
        await nested.AssertError(403, "not-authorized/site-admin-required");
        await create.AssertError(403, "not-authorized/site-admin-required");
    }

    [Fact]
    public async Task NonAdmin_AnotherUsersKeyId_Is404()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var adminKeyId = (long)(await (await admin.PostJson(Rest + "/api_keys", new { name = "admin's" })).Json())["id"]!;
        var (_, user) = await PlainUserAsync(site);
        using var _ = user;

        var show = await user.GetAsync($"{Rest}/api_keys/{adminKeyId}");
        var update = await user.PatchJson($"{Rest}/api_keys/{adminKeyId}", new { name = "mine now" });
        var delete = await user.DeleteAsync($"{Rest}/api_keys/{adminKeyId}");

        await show.AssertError(404, "not-found/api-key-not-found");
        await update.AssertError(404, "not-found/");
        await delete.AssertError(404, "not-found/");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"{Rest}/api_keys/{adminKeyId}")).StatusCode);
    }

    [Fact]
    public async Task Admin_ManagesAnotherUsersKeys_ThroughNestedPath()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var userId = await CreateUserAsync(admin, "worker");

        var created = await admin.PostJson($"{Rest}/users/{userId}/api_keys", new { name = "for worker" });
        var list = (await (await admin.GetAsync($"{Rest}/users/{userId}/api_keys")).Json()).AsArray();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(userId, (long)(await created.Json())["user_id"]!);
        Assert.Single(list);
        await (await admin.GetAsync($"{Rest}/users/999999/api_keys")).AssertError(404, "not-found/user-not-found");
    }

    [Fact]
    public async Task SsoUser_CanCreateOwnApiKey()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var strategy = await admin.PostJson(Rest + "/sso_strategies", Providers.ProviderTestData.Saml("Staff"));
        var strategyId = (long)(await strategy.Json())["id"]!;
        var user = await (await admin.PostJson(Rest + "/users", new { username = "sso-person", authentication_method = "sso", sso_strategy_id = strategyId })).Json();
        var key = await CreateKeyAsync(admin, new { name = "bootstrap", user_id = (long)user["id"]! });
        using var sso = site.Anonymous(cookies: false);
        sso.DefaultRequestHeaders.Add("X-FilesAPI-Key", key);

        var response = await sso.PostJson(Rest + "/api_keys", new { name = "sftp" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((long)user["id"]!, (long)(await response.Json())["user_id"]!);
    }

    [Fact]
    public async Task CurrentKey_ShowUpdateDelete_ActOnTheRequestsKey()
    {
        var site = await server.CreateSiteAsync();
        var (_, user) = await PlainUserAsync(site);
        using var _ = user;

        var shown = await (await user.GetAsync(Rest + "/api_key")).Json();
        var updated = await (await user.PatchJson(Rest + "/api_key", new { name = "renamed" })).Json();
        var delete = await user.DeleteAsync(Rest + "/api_key");

        Assert.Equal("own", (string?)shown["name"]);
        Assert.Equal("renamed", (string?)updated["name"]);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await (await user.GetAsync(Rest + "/api_key")).AssertError(401, "not-authenticated/");
    }

    [Fact]
    public async Task CurrentKey_WithSessionAuth_Is400()
    {
        var site = await server.CreateSiteAsync();
        using var anonymous = site.Anonymous(cookies: false);
        var session = await (await anonymous.PostJson(Rest + "/sessions", new { username = site.AdminUsername, password = site.AdminPassword })).Json();
        anonymous.DefaultRequestHeaders.Add("X-FilesAPI-Auth", (string)session["id"]!);

        var response = await anonymous.GetAsync(Rest + "/api_key");

        await response.AssertError(400, "bad-request/");
    }

    [Fact]
    public async Task List_PerPage_FollowsCursor()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        for (var i = 0; i < 3; i++) await CreateKeyAsync(admin, new { name = "k" + i });

        var first = await admin.GetAsync(Rest + "/api_keys?per_page=2");
        var cursor = first.Headers.GetValues("X-Files-Cursor").Single();
        var second = await admin.GetAsync($"{Rest}/api_keys?per_page=2&cursor={cursor}");

        Assert.Equal(2, (await first.Json()).AsArray().Count);
        Assert.Equal(2, (await second.Json()).AsArray().Count); // 4 keys: the setup key and three more
        Assert.False(second.Headers.Contains("X-Files-Cursor"));
    }
}
