using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Providers.ProviderTestData;

namespace Gatehouse.Tests.Providers;

[Collection(ServerCollection.Name)]
public sealed class LoginPageProvidersTests(GatehouseServer server)
{
    [Fact]
    public async Task LoginPage_ShowsOneButtonPerEnabledDisplayedProvider_InAdminOrder()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var first = await CreateAsync(api, ProviderTestData.Saml("Zeta Staff"));
        var second = await CreateAsync(api, ProviderTestData.Saml("Alpha Partners"));
        var hidden = await CreateAsync(api, ProviderTestData.Saml("Hidden One"));
        var disabled = await CreateAsync(api, ProviderTestData.Saml("Disabled One"));
        await api.PatchJson($"{Strategies}/{hidden}", new { display_on_login_page = false });
        await api.PatchJson($"{Strategies}/{disabled}", new { enabled = false });
        await api.PatchJson($"{Strategies}/{second}", new { sort_order = -1 });
        using var browser = site.Anonymous();

        var html = await browser.GetStringAsync("/login");

        Assert.Contains("Sign in with Zeta Staff", html);
        Assert.Contains("Sign in with Alpha Partners", html);
        Assert.DoesNotContain("Hidden One", html);
        Assert.DoesNotContain("Disabled One", html);
        Assert.True(html.IndexOf("Alpha Partners", StringComparison.Ordinal) < html.IndexOf("Zeta Staff", StringComparison.Ordinal));
        Assert.Contains($"/sso/{first}/login", html);
    }

    [Fact]
    public async Task UseSso_WithExactlyOneEnabled_RedirectsToIt()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Only"));
        using var browser = site.Anonymous();

        var response = await browser.GetAsync("/login?use_sso=1&return_to=%2Faccount");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/sso/{id}/login?return_to=%2Faccount", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task UseSso_WithTwoEnabled_ShowsPageWithNotice()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        await CreateAsync(api, ProviderTestData.Saml("One"));
        await CreateAsync(api, ProviderTestData.Saml("Two"));
        using var browser = site.Anonymous();

        var response = await browser.GetAsync("/login?use_sso=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("several sign-in providers", html);
        Assert.Contains("Sign in with One", html);
    }

    [Fact]
    public async Task UseSso_WithNone_ShowsPageWithNotice()
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();

        var html = await browser.GetStringAsync("/login?use_sso=1");

        Assert.Contains("Single sign-on is not set up", html);
    }

    [Fact]
    public async Task DisabledProvider_LoginUrl_IsRefusedAndAudited_EnablingRestores()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Staff"));
        await api.PatchJson($"{Strategies}/{id}", new { enabled = false });
        using var browser = site.Anonymous();

        var refused = await browser.GetAsync($"/sso/{id}/login");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("turned off", await refused.Content.ReadAsStringAsync());
        var events = (await (await api.GetAsync(HttpExtensions.Api + "/sso_events")).Json()).AsArray();
        Assert.Contains(events, e => (string?)e!["reason"] == "provider_disabled");

        await api.PatchJson($"{Strategies}/{id}", new { enabled = true });
        var again = await browser.GetAsync($"/sso/{id}/login");
        Assert.NotEqual(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Contains("Sign in with Staff", await browser.GetStringAsync("/login"));
    }
}
