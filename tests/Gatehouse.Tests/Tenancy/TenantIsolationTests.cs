using System.Net;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Tenancy;

/// <summary>Site A's credentials can neither read nor change anything of site B.</summary>
[Collection(ServerCollection.Name)]
public sealed class TenantIsolationTests(GatehouseServer server)
{
    [Fact]
    public async Task ApiKey_OfSiteA_IsUnknownOnSiteB()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        using var aKeyOnB = b.Anonymous(cookies: false);
        aKeyOnB.DefaultRequestHeaders.Add("X-FilesAPI-Key", a.AdminApiKey);

        var response = await aKeyOnB.GetAsync(HttpExtensions.Api + "/users");

        await response.AssertError(401, "not-authenticated/");
    }

    [Fact]
    public async Task SiteAdminOfA_CannotReadOrChangeUsersOfB_ById()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        using var apiA = a.AdminApi();

        var show = await apiA.GetAsync($"{HttpExtensions.Api}/users/{b.AdminUserId}");
        var update = await apiA.PatchJson($"{HttpExtensions.Api}/users/{b.AdminUserId}", new { name = "pwned" });
        var delete = await apiA.DeleteAsync($"{HttpExtensions.Api}/users/{b.AdminUserId}");
        var unlock = await apiA.PostAsync($"{HttpExtensions.Api}/users/{b.AdminUserId}/unlock", null);

        await show.AssertError(404, "not-found/");
        await update.AssertError(404, "not-found/");
        await delete.AssertError(404, "not-found/");
        await unlock.AssertError(404, "not-found/");
        using var apiB = b.AdminApi();
        var userB = await (await apiB.GetAsync($"{HttpExtensions.Api}/users/{b.AdminUserId}")).Json();
        Assert.Null((string?)userB["name"]);
    }

    [Fact]
    public async Task UserList_OfA_ShowsOnlyUsersOfA()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        using var apiB = b.AdminApi();
        await apiB.PostJson(HttpExtensions.Api + "/users", new { username = "only-on-b" });
        using var apiA = a.AdminApi();

        var list = (await (await apiA.GetAsync(HttpExtensions.Api + "/users")).Json()).AsArray();

        Assert.Single(list);
        Assert.Equal("admin", (string?)list[0]!["username"]);
    }

    [Fact]
    public async Task SessionCookie_OfSiteA_IsUnknownOnSiteB()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        using var browserA = a.Anonymous();
        await browserA.SignIn(a.AdminUsername, a.AdminPassword);
        var token = Sessions.WebSignInTests.CookieValue(browserA, a);
        using var onB = b.Anonymous(cookies: false);
        onB.DefaultRequestHeaders.Add("Cookie", "gh_session=" + token);

        var response = await onB.GetAsync(HttpExtensions.Api + "/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
