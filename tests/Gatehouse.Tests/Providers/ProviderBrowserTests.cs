using System.Text.RegularExpressions;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using Microsoft.Playwright;
using static Gatehouse.Tests.Providers.ProviderTestData;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.Tests.Providers;

/// <summary>The SSO provider lifecycle as an admin does it in Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProviderBrowserTests(GatehouseServer server, BrowserFixture browser)
{
    private static async Task SignInAsync(IPage page, TestSite site)
    {
        await page.GotoAsync(site.BaseUrl + "/login");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(site.AdminUsername);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(site.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/login"));
    }

    [Fact]
    public async Task SearchToAddProvider_TileAndSave_ShowsRowInTable()
    {
        var site = await server.CreateSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, site);

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("SSO Providers");
        await page.GetByRole(AriaRole.Link, new() { Name = "SSO Providers", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add provider" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Okta" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Use OpenID Connect" }).ClickAsync();
        await page.GetByLabel("Display Name").FillAsync("Okta staff");
        await page.GetByLabel("Okta domain (e.g. acme or login.acme.com)").FillAsync("acme-" + Guid.NewGuid().ToString("N")[..8]);
        await page.GetByLabel("Client ID").FillAsync(Guid.NewGuid().ToString("N"));
        await page.GetByLabel("Client secret").FillAsync("browser-secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Okta staff" })).ToBeVisibleAsync();
        await Expect(page.GetByText("/callback")).ToBeVisibleAsync();
        await page.GotoAsync(site.BaseUrl + "/admin/sso-providers");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Okta staff" });
        await Expect(row).ToContainTextAsync("OIDC");
        await Expect(row).ToContainTextAsync("Okta");
    }

    [Fact]
    public async Task EnabledToggle_HidesAndRestoresLoginButton()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        await CreateAsync(api, ProviderTestData.Saml("Staff SSO"));
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        var (anonContext, anon) = await browser.NewPageAsync();
        await using var __ = anonContext;
        await SignInAsync(page, site);
        await anon.GotoAsync(site.BaseUrl + "/login");
        await Expect(anon.GetByRole(AriaRole.Link, new() { Name = "Sign in with Staff SSO" })).ToBeVisibleAsync();

        await page.GotoAsync(site.BaseUrl + "/admin/sso-providers");
        await page.GetByRole(AriaRole.Switch, new() { Name = "Enabled: Staff SSO" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alertdialog)).ToContainTextAsync("0 user(s) sign in with this provider");
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable Staff SSO" }).ClickAsync();
        await anon.ReloadAsync();
        await Expect(anon.GetByRole(AriaRole.Link, new() { Name = "Sign in with Staff SSO" })).ToHaveCountAsync(0);

        await page.GotoAsync(site.BaseUrl + "/admin/sso-providers");
        await page.GetByRole(AriaRole.Switch, new() { Name = "Enabled: Staff SSO" }).ClickAsync();
        await anon.ReloadAsync();
        await Expect(anon.GetByRole(AriaRole.Link, new() { Name = "Sign in with Staff SSO" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task UseSso_WithOneProvider_GoesToIt_WithTwo_ShowsButtons()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var first = await CreateAsync(api, ProviderTestData.Saml("First IdP"));
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        // The provider's login URL then redirects on to the (unreachable, example.com) IdP: only the hop to it matters here.
        var hop = page.WaitForRequestAsync(r => r.Url.Contains($"/sso/{first}/login"));
        try { await page.GotoAsync(site.BaseUrl + "/login?use_sso=1"); }
        catch (PlaywrightException) { }
        await hop;

        await CreateAsync(api, ProviderTestData.Saml("Second IdP"));
        await page.GotoAsync(site.BaseUrl + "/login?use_sso=1");
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?use_sso=1$"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("several sign-in providers");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with First IdP" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Second IdP" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task UserMethodDropdown_ListsProvidersByDisplayName_AndAssigns()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Partner SAML"));
        var userId = await CreateUserAsync(api, "lena", new { password = "Lena-password-12" });
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, site);

        await page.GotoAsync($"{site.BaseUrl}/admin/users/{userId}");
        var select = page.GetByLabel("Authentication method");
        await Expect(select.Locator("option")).ToContainTextAsync(["Password", "None", "SSO: Partner SAML"], new() { UseInnerText = true });
        await select.SelectOptionAsync(new SelectOptionValue { Label = "SSO: Partner SAML" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();

        var user = await (await api.GetAsync($"{HttpExtensions.Api}/users/{userId}")).Json();
        Assert.Equal("sso", (string?)user["authentication_method"]);
        Assert.Equal(id, (long)user["sso_strategy_id"]!);
        await page.GotoAsync(site.BaseUrl + "/admin/users");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "lena" })).ToContainTextAsync("SSO: Partner SAML");
    }

    [Fact]
    public async Task LockoutGuard_LastPasswordAdminToSso_ShowsReason()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        await CreateAsync(api, ProviderTestData.Saml("Staff SSO"));
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, site);

        await page.GotoAsync($"{site.BaseUrl}/admin/users/{site.AdminUserId}");
        await page.GetByLabel("Authentication method").SelectOptionAsync(new SelectOptionValue { Label = "SSO: Staff SSO" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();

        await Expect(page.GetByText("without an enabled site administrator who signs in with a password")).ToBeVisibleAsync();
        var admin = await (await api.GetAsync($"{HttpExtensions.Api}/users/{site.AdminUserId}")).Json();
        Assert.Equal("password", (string?)admin["authentication_method"]);
    }
}
