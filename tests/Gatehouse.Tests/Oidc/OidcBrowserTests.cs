using System.Text.RegularExpressions;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using Microsoft.EntityFrameworkCore;
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

    /// <summary>
    /// First sign-in shows Authorize and stores the link (issuer + sub); the second goes straight in. With
    /// <paramref name="renameTo"/> the user is renamed in between, so the second sign-in can only succeed through the
    /// stored sub link (the identity claim no longer matches any username).
    /// </summary>
    private async Task AssertFullFlowAsync(TestSite site, long id, string label, string login, string username,
        string? expectIssuer = null, string? expectSub = null, string? renameTo = null)
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
        if (expectIssuer is not null || renameTo is not null)
        {
            await using var scope = Server.SiteScope(site.Id, out var db);
            var link = await db.SsoIdentityLinks.SingleAsync(l => l.SsoStrategyId == id);
            if (expectIssuer is not null) Assert.Equal(expectIssuer, link.Issuer);
            if (expectSub is not null) Assert.Equal(expectSub, link.Subject);
            if (renameTo is not null)
            {
                using var api = site.AdminApi();
                (await api.PatchJson($"{HttpExtensions.Api}/users/{link.UserId}", new { username = renameTo })).EnsureSuccessStatusCode();
                username = renameTo;
            }
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
    public async Task OneLoginPreset_SignsInThroughRealProvider_LaterBySub()
    {
        var site = await Server.CreateSiteAsync();
        var id = await PresetProviderAsync(site, f.OneLogin, new { provider = "onelogin", protocol = "oidc", label = "Acme OneLogin", subdomain = OidcFixture.OneLoginSubdomain });
        using var api = site.AdminApi();
        await CreateUserAsync(api, "carol", new { authentication_method = "sso", sso_strategy_id = id });
        Assert.EndsWith($"/{OidcFixture.OneLoginSubdomain}/oidc/2", f.OneLogin.Issuer);

        await AssertFullFlowAsync(site, id, "Acme OneLogin", OidcFixture.OneLoginSub, "carol",
            expectIssuer: f.OneLogin.Issuer, expectSub: OidcFixture.OneLoginSub, renameTo: "carol.renamed");
    }

    [Fact]
    public async Task Auth0Preset_TrailingSlashIssuer_EmailClaim_SignsIn_LaterBySub()
    {
        var site = await Server.CreateSiteAsync();
        var id = await PresetProviderAsync(site, f.Auth0, new { provider = "auth0", protocol = "oidc", label = "Acme Auth0", subdomain = OidcFixture.Auth0Tenant, oidc_identity_claim = "email" });
        using var api = site.AdminApi();
        await CreateUserAsync(api, "dave@auth0.test", new { authentication_method = "sso", sso_strategy_id = id });
        Assert.EndsWith($"/{OidcFixture.Auth0Tenant}/", f.Auth0.Issuer);

        // The issuer is compared exactly, trailing slash included (OIDC Discovery §4.3, Core §3.1.3.7 step 2).
        await AssertFullFlowAsync(site, id, "Acme Auth0", OidcFixture.Auth0Sub, "dave@auth0.test",
            expectIssuer: f.Auth0.Issuer, expectSub: OidcFixture.Auth0Sub, renameTo: "dave.renamed");
    }

    [Fact]
    public async Task GenericPreset_ArbitraryIssuerUrl_SignsInThroughRealProvider()
    {
        var site = await Server.CreateSiteAsync();
        var id = await PresetProviderAsync(site, f.OneLogin, new { provider = "oidc", protocol = "oidc", label = "Any OpenID", oidc_issuer_url = f.OneLogin.Issuer, oidc_identity_claim = "email" });
        using var api = site.AdminApi();
        await CreateUserAsync(api, "carol@acme.test", new { authentication_method = "sso", sso_strategy_id = id });

        await AssertFullFlowAsync(site, id, "Any OpenID", OidcFixture.OneLoginSub, "carol@acme.test", expectIssuer: f.OneLogin.Issuer, expectSub: OidcFixture.OneLoginSub);
    }

    [Fact]
    public async Task RealProvider_WrongClientSecret_ReadablePageForUser_EventNamesTheSecretForAdmin()
    {
        var site = await Server.CreateSiteAsync();
        var id = await PresetProviderAsync(site, f.Auth0, new { provider = "auth0", protocol = "oidc", label = "Acme Auth0", subdomain = OidcFixture.Auth0Tenant, oidc_identity_claim = "email" });
        using var api = site.AdminApi();
        await CreateUserAsync(api, "dave@auth0.test", new { authentication_method = "sso", sso_strategy_id = id });
        (await api.PatchJson($"{Strategies}/{id}", new { client_secret = "not-the-registered-secret" })).EnsureSuccessStatusCode();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        await SignInAtIdpAsync(page, site, "Acme Auth0", OidcFixture.Auth0Sub);

        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign-in failed");
        await Expect(page.Locator("body")).ToContainTextAsync("Ask your site administrator");
        await Expect(page.Locator("body")).ToContainTextAsync("Reference:");
        Assert.DoesNotContain("not-the-registered-secret", await page.ContentAsync());
        var e = await OidcTestData.LastEventAsync(Server, site, id);
        Assert.Equal("failure", e.Status);
        Assert.Equal("token_client_auth_failed", e.Reason);   // oidc-provider's own 401 invalid_client
        Assert.Contains("refused the client ID or secret", e.Message);
        Assert.DoesNotContain("not-the-registered-secret", e.Message + e.Body);
    }

    [Fact]
    public async Task PrivateKeyJwt_ClientRegisteredWithGatehouseJwks_SignsInWithoutSecret()
    {
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();
        // No client secret at all: the token request is authenticated by a JWT signed with the provider's own key.
        var id = await CreateAsync(api, new { provider = "okta", protocol = "oidc", label = "Okta Keys", subdomain = OidcFixture.OktaAuthServer,
            client_id = "pending-" + Guid.NewGuid().ToString("N"), oidc_client_auth_method = "private_key_jwt" });
        using var anonymous = site.Anonymous();
        var jwksResponse = await anonymous.GetAsync($"/oidc/{id}/jwks");
        Assert.Equal(System.Net.HttpStatusCode.OK, jwksResponse.StatusCode);
        var jwks = System.Text.Json.Nodes.JsonNode.Parse(await jwksResponse.Content.ReadAsStringAsync())!;
        Assert.Null(jwks["keys"]![0]!["d"]);   // public half only
        using var idp = f.Okta.Client();
        var registration = await idp.PostAsync("reg", System.Net.Http.Json.JsonContent.Create(new
        {
            redirect_uris = new[] { $"{site.BaseUrl}/oidc/{id}/callback" }, token_endpoint_auth_method = "private_key_jwt",
            token_endpoint_auth_signing_alg = "RS256", jwks, response_types = new[] { "code" }, grant_types = new[] { "authorization_code" },
        }));
        var registered = System.Text.Json.Nodes.JsonNode.Parse(await registration.Content.ReadAsStringAsync())!;
        Assert.True(registration.IsSuccessStatusCode, registered.ToJsonString());
        (await api.PatchJson($"{Strategies}/{id}", new { client_id = (string)registered["client_id"]! })).EnsureSuccessStatusCode();
        await CreateUserAsync(api, "bob@okta.test", new { authentication_method = "sso", sso_strategy_id = id });

        await AssertFullFlowAsync(site, id, "Okta Keys", "bob", "bob@okta.test");
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
