using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using Microsoft.Playwright;
using static Gatehouse.Tests.SamlHost.SamlTestData;
using static Microsoft.Playwright.Assertions;

// Not "Gatehouse.Tests.Saml": that namespace would hide ProviderTestData.Saml(...) in the Providers tests.
namespace Gatehouse.Tests.SamlHost;

/// <summary>
/// End to end in Chromium: an admin adds a SAML provider through the API from the test IdP's metadata URL; the
/// user clicks "Sign in with …" on /login → the IdP (another site: 127.0.0.1 vs *.localhost) auto-posts an
/// xml-crypto-signed Response to our ACS → "Authorize" → signed in; the second time straight in. The ACS is a
/// cross-site top-level POST, so this proves the flow needs no SameSite=None cookie.
/// </summary>
[Collection(SamlCollection.Name)]
public sealed class SamlBrowserTests(SamlFixture f, BrowserFixture browser)
{
    private static async Task<string?> MeInBrowserAsync(IPage page, TestSite site)
    {
        var response = await page.GotoAsync(site.BaseUrl + HttpExtensions.Api + "/me");
        return response!.Status == 200 ? (string?)JsonNode.Parse(await response.TextAsync())!["username"] : null;
    }

    [Fact]
    public async Task SignIn_ThroughTheIdp_AuthorizesOnceThenGoesStraightIn()
    {
        var site = await f.Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        await idp.ControlAsync(new { nameId = "alice" });
        var id = await CreateProviderAsync(site, idp, "Acme SAML");
        await SsoUserAsync(site, "alice", id);

        var (context, page) = await browser.NewPageAsync();
        await using (context)
        {
            await page.GotoAsync(site.BaseUrl + "/login");
            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Acme SAML" }).Or(page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Acme SAML" })).ClickAsync();
            var authorize = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Authorize") });
            await Expect(authorize).ToBeVisibleAsync();
            Assert.StartsWith(site.BaseUrl + "/sso/authorize", page.Url);
            await authorize.ClickAsync();
            // Expect polls the URL only; WaitForURL would also wait for a "load" event that may already have passed.
            await Expect(page).Not.ToHaveURLAsync(new Regex("/sso/authorize"));
            Assert.Equal("alice", await MeInBrowserAsync(page, site));
        }

        var (second, page2) = await browser.NewPageAsync();
        await using (second)
        {
            await page2.GotoAsync(site.BaseUrl + "/login");
            await page2.GetByRole(AriaRole.Link, new() { Name = "Sign in with Acme SAML" }).Or(page2.GetByRole(AriaRole.Button, new() { Name = "Sign in with Acme SAML" })).ClickAsync();
            await Expect(page2).ToHaveURLAsync(new Regex("^" + Regex.Escape(site.BaseUrl) + "(?!.*(/login|/saml/))"));
            Assert.DoesNotContain("/sso/authorize", page2.Url);
            Assert.Equal("alice", await MeInBrowserAsync(page2, site));
        }
    }

    [Fact]
    public async Task SignIn_ResponseTheIdpMangled_ShowsAReadablePageWithAReference()
    {
        var site = await f.Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        await idp.ControlAsync(new { mutation = "wrong-audience" });
        var id = await CreateProviderAsync(site, idp, "Broken SAML");
        await SsoUserAsync(site, "alice", id);

        var (context, page) = await browser.NewPageAsync();
        await using (context)
        {
            await page.GotoAsync($"{site.BaseUrl}/sso/{id}/login");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign-in refused" })).ToBeVisibleAsync();
            await Expect(page.GetByText(new Regex(@"Reference: \d+"))).ToBeVisibleAsync();
            Assert.Null(await MeInBrowserAsync(page, site));
        }
    }
}
