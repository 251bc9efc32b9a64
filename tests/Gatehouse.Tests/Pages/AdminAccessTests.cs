using System.Net;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Pages;

[Collection(ServerCollection.Name)]
public sealed class AdminAccessTests(GatehouseServer server)
{
    public static TheoryData<string> AdminPages() =>
        ["/admin/users", "/admin/users/1", "/admin/groups", "/admin/api-keys", "/admin/ssh-keys", "/admin/sessions", "/admin/sso-events"];

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task AdminPage_NonAdmin_Gets403(string path)
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        using var browser = await site.UserBrowser("bob");

        var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Not allowed", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task AdminPage_Anonymous_RedirectsToLoginWithReturnTo(string path)
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();

        var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?return_to=" + Uri.EscapeDataString(path), response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AdminPost_NonAdmin_Gets403AndChangesNothing()
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        using var browser = await site.UserBrowser("bob");
        var token = await browser.AntiforgeryToken("/account");

        var response = await browser.PostAsync("/admin/users?handler=Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["username"] = "mallory", ["password"] = PageTestData.UserPassword, ["authentication_method"] = "password",
        }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.False(db.Users.Any(u => u.UsernameNormalized == "mallory"));
    }

    [Fact]
    public async Task Account_Anonymous_RedirectsToLogin()
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();

        var response = await browser.GetAsync("/account");

        Assert.Equal("/login?return_to=%2Faccount", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/admin/users")]
    [InlineData("/admin/groups")]
    [InlineData("/admin/api-keys")]
    [InlineData("/admin/ssh-keys")]
    [InlineData("/admin/sessions")]
    [InlineData("/admin/sso-events")]
    [InlineData("/account")]
    public async Task SignedInPage_Always_HasTheSearchBox(string path)
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var html = await browser.GetStringAsync(path);

        Assert.Contains("type=\"search\" aria-label=\"Search\"", html);
    }
}
