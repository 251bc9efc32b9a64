using System.Text.RegularExpressions;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using Microsoft.Playwright;
using static Gatehouse.Tests.Providers.ProviderTestData;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.Tests.Oidc;

/// <summary>
/// End to end in Chromium against the real, certified oidc-provider: the Gatehouse login page → the IdP's own
/// login and consent pages → callback → "Authorize" → signed in; the second time straight in.
/// </summary>
[Collection(OidcCollection.Name)]
public sealed class OidcBrowserTests(OidcFixture f, BrowserFixture browser)
{
    private GatehouseServer Server => f.Server;

    /// <summary>A preset provider whose client is registered at the real IdP for this provider's own callback.</summary>
    private async Task<long> PresetProviderAsync(TestSite site, NodeIdp idp, object settings, string authMethod = "client_secret_basic")
    {
        using var api = site.AdminApi();
        var body = new Dictionary<string, object?> { ["client_id"] = "pending-" + Guid.NewGuid().ToString("N"), ["client_secret"] = "pending" };
        foreach (var p in settings.GetType().GetProperties()) body[p.Name] = p.GetValue(settings);
        var id = await CreateAsync(api, body);
        var (clientId, secret) = await OidcFixture.RegisterClientAsync(idp, $"{site.BaseUrl}/oidc/{id}/callback", authMethod);
        (await api.PatchJson($"{Strategies}/{id}", new { client_id = clientId, client_secret = secret })).EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>What a person does: the provider's button, the IdP's login form, its consent page if it asks.</summary>
    private static async Task SignInAtIdpAsync(IPage page, TestSite site, string label, string login)
    {
        // The IdP's pages pull a web font from the internet, which tests never reach: answer such requests locally.
        await page.RouteAsync(new Regex("^https?://(?!127\\.0\\.0\\.1|[^/]*localhost)"), r => r.AbortAsync());
        await page.GotoAsync(site.BaseUrl + "/login");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {label}" }).ClickAsync();
        await page.Locator("input[name=login]").FillAsync(login);
        await page.Locator("input[name=password]").FillAsync("any-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
        // oidc-provider asks for consent on a first grant: click "Continue" when it does, until the IdP hands back.
        var consent = page.GetByRole(AriaRole.Button, new() { Name = "Continue" });
        for (var i = 0; i < 100 && page.Url.Contains("/interaction/"); i++)
        {
            if (await consent.IsVisibleAsync()) await consent.ClickAsync();
            else await Task.Delay(100);
        }
    }

    private static async Task<string> SignedInUsernameAsync(IPage page, TestSite site)
    {
        var response = await page.GotoAsync(site.BaseUrl + HttpExtensions.Api + "/me");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await response!.TextAsync())!;
        return (string)json["username"]!;
    }

    private async Task AssertFullFlowAsync(TestSite site, long id, string label, string login, string username)
    {
        // First sign-in: the Authorize page, once.
        var (context, page) = await browser.NewPageAsync();
        await using (context)
        {
            await SignInAtIdpAsync(page, site, label, login);
            await Expect(page).ToHaveURLAsync(new Regex("/sso/authorize$"));
            await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Authorize") }).ClickAsync();
            await Expect(page).Not.ToHaveURLAsync(new Regex("/sso/authorize|/oidc/|/login"));
            Assert.Equal(username, await SignedInUsernameAsync(page, site));
        }
        // Second sign-in, in a fresh browser: the stored link (issuer + sub) is used, no Authorize page.
        (context, page) = await browser.NewPageAsync();
        await using (context)
        {
            await SignInAtIdpAsync(page, site, label, login);
            await Expect(page).Not.ToHaveURLAsync(new Regex("/sso/authorize|/oidc/|/login|127\\.0\\.0\\.1"));
            Assert.Equal(username, await SignedInUsernameAsync(page, site));
        }
        var e = await OidcTestData.LastEventAsync(Server, site, id);
        Assert.Equal("success", e.Status);
    }

    [Fact]
    public async Task EntraPreset_QueryMode_SignsInThroughRealProvider()
    {
        var site = await Server.CreateSiteAsync();
        var id = await PresetProviderAsync(site, f.Entra, new { provider = "azure", protocol = "oidc", label = "Contoso Entra", subdomain = OidcFixture.EntraTenant, oidc_identity_claim = "upn" });
        using var api = site.AdminApi();
        await CreateUserAsync(api, "alice@contoso.test", new { authentication_method = "sso", sso_strategy_id = id });

        await AssertFullFlowAsync(site, id, "Contoso Entra", "alice", "alice@contoso.test");
    }

    [Fact]
    public async Task OktaPreset_FormPostAndClientSecretPost_IdentityFromUserinfo_SignsIn()
    {
        var site = await Server.CreateSiteAsync();
        var id = await PresetProviderAsync(site, f.Okta,
            new { provider = "okta", protocol = "oidc", label = "Okta Staff", subdomain = OidcFixture.OktaAuthServer, oidc_response_mode = "form_post", oidc_client_auth_method = "client_secret_post" },
            authMethod: "client_secret_post");
        using var api = site.AdminApi();
        await CreateUserAsync(api, "bob@okta.test", new { authentication_method = "sso", sso_strategy_id = id });

        await AssertFullFlowAsync(site, id, "Okta Staff", "bob", "bob@okta.test");
    }

    [Fact]
    public async Task OneLoginPreset_SubdomainOnly_SignsInThroughRealProvider()
    {
        var site = await Server.CreateSiteAsync();
        var id = await PresetProviderAsync(site, f.OneLogin, new { provider = "onelogin", protocol = "oidc", label = "OneLogin Acme", subdomain = OidcFixture.OneLoginSubdomain });
        using var api = site.AdminApi();
        await CreateUserAsync(api, "carol@acme.test", new { authentication_method = "sso", sso_strategy_id = id });

        await AssertFullFlowAsync(site, id, "OneLogin Acme", "carol", "carol@acme.test");
    }

    [Fact]
    public async Task Auth0Preset_TrailingSlashIssuerAndEmailClaim_SignsInThroughRealProvider()
    {
        var site = await Server.CreateSiteAsync();
        var id = await PresetProviderAsync(site, f.Auth0,
            new { provider = "auth0", protocol = "oidc", label = "Auth0 Partners", subdomain = OidcFixture.Auth0Tenant, oidc_identity_claim = "email", oidc_response_mode = "form_post" });
        using var api = site.AdminApi();
        await CreateUserAsync(api, "dave@auth0.test", new { authentication_method = "sso", sso_strategy_id = id });

        await AssertFullFlowAsync(site, id, "Auth0 Partners", "auth0|65f0c0ffee01", "dave@auth0.test");
        await using var scope = Server.SiteScope(site.Id, out var db);
        var link = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.SsoIdentityLinks, l => l.SsoStrategyId == id);
        Assert.Equal("auth0|65f0c0ffee01", link.Subject);
        Assert.Equal(f.Auth0.Issuer, link.Issuer);
    }

    [Fact]
    public async Task GenericOidc_AnyIssuerUrl_SignsInThroughRealProvider()
    {
        var site = await Server.CreateSiteAsync();
        var id = await PresetProviderAsync(site, f.OneLogin, new { provider = "oidc", protocol = "oidc", label = "Company IdP", oidc_issuer_url = f.OneLogin.Issuer });
        using var api = site.AdminApi();
        await CreateUserAsync(api, "carol@acme.test", new { authentication_method = "sso", sso_strategy_id = id });

        await AssertFullFlowAsync(site, id, "Company IdP", "carol", "carol@acme.test");
    }

    [Fact]
    public async Task EntraPreset_TokenOfAnotherTenant_IsRefused()
    {
        var site = await Server.CreateSiteAsync();
        var id = await PresetProviderAsync(site, f.Entra, new { provider = "azure", protocol = "oidc", label = "Contoso Entra", subdomain = OidcFixture.EntraTenant });
        using var api = site.AdminApi();
        await CreateUserAsync(api, "alice@contoso.test", new { authentication_method = "sso", sso_strategy_id = id });
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        await SignInAtIdpAsync(page, site, "Contoso Entra", "mallory");

        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign-in refused");
        await Expect(page.Locator("body")).ToContainTextAsync("could not be verified");
        Assert.Equal("id_token_tenant_mismatch", (await OidcTestData.LastEventAsync(Server, site, id)).Reason);
    }
}
