using System.Net;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Sessions;

[Collection(ServerCollection.Name)]
public sealed class LockoutTests(GatehouseServer server)
{
    [Fact]
    public async Task Login_RepeatedFailures_LockAccountEvenForCorrectPassword()
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();
        for (var i = 0; i < 6; i++) await browser.SignIn(site.AdminUsername, "wrong-password-" + i);

        var response = await browser.SignIn(site.AdminUsername, site.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("locked", await response.Content.ReadAsStringAsync());
        using var api = site.AdminApi();
        var user = await (await api.GetAsync($"{HttpExtensions.Api}/users/{site.AdminUserId}")).Json();
        Assert.NotNull((string?)user["lockout_expires"]);
    }

    [Fact]
    public async Task Unlock_LockedAccount_AllowsSignInAgain()
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();
        for (var i = 0; i < 6; i++) await browser.SignIn(site.AdminUsername, "wrong-password-" + i);
        using var api = site.AdminApi();

        var unlock = await api.PostAsync($"{HttpExtensions.Api}/users/{site.AdminUserId}/unlock", null);

        Assert.Equal(HttpStatusCode.NoContent, unlock.StatusCode);
        var user = await (await api.GetAsync($"{HttpExtensions.Api}/users/{site.AdminUserId}")).Json();
        Assert.Null((string?)user["lockout_expires"]);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignIn(site.AdminUsername, site.AdminPassword)).StatusCode);
    }
}
