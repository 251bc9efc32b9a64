using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Providers.ProviderTestData;

namespace Gatehouse.Tests.Providers;

[Collection(ServerCollection.Name)]
public sealed class ProviderLifecycleTests(GatehouseServer server)
{
    [Fact]
    public async Task AssignUser_ByIdAndByLabel_SetsSsoMethod()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Staff SSO"));

        var byId = await (await api.PostJson(HttpExtensions.Api + "/users", new { username = "ann", authentication_method = "sso", sso_strategy_id = id })).Json();
        var byLabel = await (await api.PostJson(HttpExtensions.Api + "/users", new { username = "ben", authentication_method = "staff sso" })).Json();

        Assert.Equal("sso", (string?)byId["authentication_method"]);
        Assert.Equal(id, (long)byId["sso_strategy_id"]!);
        Assert.Equal("sso", (string?)byLabel["authentication_method"]);
        Assert.Equal(id, (long)byLabel["sso_strategy_id"]!);
        var shown = await (await api.GetAsync($"{Strategies}/{id}")).Json();
        Assert.Equal(2, (int)shown["user_count"]!);
    }

    [Fact]
    public async Task AssignUser_ToProviderOfAnotherSite_IsRefused()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        using var apiA = a.AdminApi();
        var foreign = await CreateAsync(apiA, ProviderTestData.Saml("A"));
        using var apiB = b.AdminApi();

        var response = await apiB.PostJson(HttpExtensions.Api + "/users", new { username = "x", authentication_method = "sso", sso_strategy_id = foreign });

        var error = await response.AssertError(422);
        Assert.NotNull(error["model-errors"]?["sso_strategy_id"]);
    }

    [Fact]
    public async Task AssignUser_ByLabelOfDisabledProvider_IsRefused()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Old IdP"));
        await api.PatchJson($"{Strategies}/{id}", new { enabled = false });

        var response = await api.PostJson(HttpExtensions.Api + "/users", new { username = "x", authentication_method = "Old IdP" });

        var error = await response.AssertError(422);
        Assert.NotNull(error["model-errors"]?["authentication_method"]);
    }

    [Fact]
    public async Task SsoUser_KeepsApiKeys_AndPasswordSignInIsRefusedWithGuidance()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Staff"));
        await CreateUserAsync(api, "carol", new { password = "Carol-password-1" });
        using var anon = site.Anonymous(cookies: false);

        await api.PatchJson(HttpExtensions.Api + "/users/" + (await (await api.GetAsync(HttpExtensions.Api + "/users?filter[username]=carol")).Json())[0]!["id"], new { authentication_method = "sso", sso_strategy_id = id });
        var response = await anon.PostJson(HttpExtensions.Api + "/sessions", new { username = "carol", password = "Carol-password-1" });

        var error = await response.AssertError(401, "not-authenticated/");
        Assert.Contains("single sign-on", (string?)error["error"]);
    }

    [Fact]
    public async Task Disable_EndsSessionsOfItsUsers_KeepsApiKeys_AndOthersUnaffected()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Staff"));
        var ssoUser = await CreateUserAsync(api, "dan", new { authentication_method = "sso", sso_strategy_id = id });
        var ssoSession = await WebSessionAsync(server, site, ssoUser);
        var adminSession = await WebSessionAsync(server, site, site.AdminUserId);
        using var ssoBrowser = WithCookie(site, ssoSession);
        using var adminBrowser = WithCookie(site, adminSession);
        Assert.Equal(HttpStatusCode.OK, (await ssoBrowser.GetAsync(HttpExtensions.Api + "/me")).StatusCode);

        var response = await api.PatchJson($"{Strategies}/{id}", new { enabled = false });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ssoBrowser.GetAsync(HttpExtensions.Api + "/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await adminBrowser.GetAsync(HttpExtensions.Api + "/me")).StatusCode);
        var user = await (await api.GetAsync($"{HttpExtensions.Api}/users/{ssoUser}")).Json();
        Assert.False((bool)user["disabled"]!);
    }

    [Fact]
    public async Task Disable_WithDisableUsers_DisablesThem()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Staff"));
        var ssoUser = await CreateUserAsync(api, "erin", new { authentication_method = "sso", sso_strategy_id = id });

        await api.PatchJson($"{Strategies}/{id}", new { enabled = false, disable_users = true });

        var user = await (await api.GetAsync($"{HttpExtensions.Api}/users/{ssoUser}")).Json();
        Assert.True((bool)user["disabled"]!);
    }

    [Fact]
    public async Task Remove_WithUsers_IsRefusedWithCountAndNames_ThenAllowedWhenEmpty()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Staff"));
        var other = await CreateAsync(api, ProviderTestData.Saml("New"));
        await CreateUserAsync(api, "fay", new { authentication_method = "sso", sso_strategy_id = id });
        await CreateUserAsync(api, "gus", new { authentication_method = "sso", sso_strategy_id = id });

        var refused = await api.DeleteAsync($"{Strategies}/{id}");

        var error = await refused.AssertError(409, "processing-failure/sso-strategy-has-users");
        Assert.Contains("2 user(s)", (string?)error["error"]);
        Assert.Contains("fay", (string?)error["error"]);
        Assert.Contains($"/admin/users?sso_strategy_id={id}", (string?)error["error"]);

        var moved = await (await api.PostJson($"{Strategies}/{id}/move_users", new { to_sso_strategy_id = other })).Json();
        Assert.Equal(2, (int)moved["moved"]!);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"{Strategies}/{id}")).StatusCode);
        await (await api.GetAsync($"{Strategies}/{id}")).AssertError(404);
    }

    [Fact]
    public async Task MoveUsers_DryRun_PreviewsWithoutChanging_AndSelectedMovesOnlyThose()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var from = await CreateAsync(api, ProviderTestData.Saml("Old"));
        var to = await CreateAsync(api, ProviderTestData.Saml("New"));
        var u1 = await CreateUserAsync(api, "h1", new { authentication_method = "sso", sso_strategy_id = from });
        var u2 = await CreateUserAsync(api, "h2", new { authentication_method = "sso", sso_strategy_id = from });

        var preview = await (await api.PostJson($"{Strategies}/{from}/move_users", new { to_sso_strategy_id = to, dry_run = true })).Json();
        Assert.Equal(2, (int)preview["would_move"]!);
        Assert.Equal(from, (long)(await (await api.GetAsync($"{HttpExtensions.Api}/users/{u1}")).Json())["sso_strategy_id"]!);

        var moved = await (await api.PostJson($"{Strategies}/{from}/move_users", new { to_sso_strategy_id = to, user_ids = new[] { u2 } })).Json();

        Assert.Equal(1, (int)moved["moved"]!);
        Assert.Equal(from, (long)(await (await api.GetAsync($"{HttpExtensions.Api}/users/{u1}")).Json())["sso_strategy_id"]!);
        Assert.Equal(to, (long)(await (await api.GetAsync($"{HttpExtensions.Api}/users/{u2}")).Json())["sso_strategy_id"]!);
        var events = (await (await api.GetAsync(HttpExtensions.Api + "/sso_events")).Json()).AsArray();
        Assert.Contains(events, e => (string?)e!["reason"] == "users_moved");
    }

    [Fact]
    public async Task MoveUsers_UserOfAnotherProvider_IsRefused()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var from = await CreateAsync(api, ProviderTestData.Saml("Old"));
        var to = await CreateAsync(api, ProviderTestData.Saml("New"));

        var response = await api.PostJson($"{Strategies}/{from}/move_users", new { to_sso_strategy_id = to, user_ids = new[] { site.AdminUserId } });

        await response.AssertError(422, "processing-failure/move-users-failed");
    }

    [Fact]
    public async Task LockoutGuard_SwitchingLastPasswordAdminToSso_IsRefused()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Staff"));

        var response = await api.PatchJson($"{HttpExtensions.Api}/users/{site.AdminUserId}", new { authentication_method = "sso", sso_strategy_id = id });

        var error = await response.AssertError(409, "processing-failure/last-password-admin");
        Assert.Contains("password", (string?)error["error"]);
        var admin = await (await api.GetAsync($"{HttpExtensions.Api}/users/{site.AdminUserId}")).Json();
        Assert.Equal("password", (string?)admin["authentication_method"]);
    }

    [Fact]
    public async Task LockoutGuard_WithAnotherPasswordAdmin_AllowsSwitch()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Staff"));
        await CreateUserAsync(api, "admin2", new { site_admin = true, password = "Second-admin-pass-1" });

        var response = await api.PatchJson($"{HttpExtensions.Api}/users/{site.AdminUserId}", new { authentication_method = "sso", sso_strategy_id = id });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task LockoutGuard_DisablingOrDeletingLastPasswordAdmin_IsRefused()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();

        await (await api.PatchJson($"{HttpExtensions.Api}/users/{site.AdminUserId}", new { disabled = true })).AssertError(409, "processing-failure/last-password-admin");
        await (await api.PatchJson($"{HttpExtensions.Api}/users/{site.AdminUserId}", new { site_admin = false })).AssertError(409, "processing-failure/last-password-admin");
        await (await api.DeleteAsync($"{HttpExtensions.Api}/users/{site.AdminUserId}")).AssertError(409, "processing-failure/last-password-admin");
    }
}
