using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Providers.ProviderTestData;

namespace Gatehouse.Tests.Providers;

[Collection(ServerCollection.Name)]
public sealed class ProviderPagesTests(GatehouseServer server)
{
    private static async Task<HttpClient> AdminBrowser(TestSite site)
    {
        var browser = site.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignIn(site.AdminUsername, site.AdminPassword)).StatusCode);
        return browser;
    }

    [Fact]
    public async Task AddProvider_ShowsTilesForEveryKind()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await AdminBrowser(site);

        var html = await browser.GetStringAsync("/admin/sso-providers/new");

        foreach (var name in new[] { "SAML (any provider)", "Microsoft Entra ID (Azure)", "Okta", "OneLogin", "Auth0", "OpenID Connect", "Microsoft Active Directory", "LDAP" })
            Assert.Contains(name, html);
        Assert.Contains("<svg", html);
    }

    [Fact]
    public async Task AddProvider_OktaOidcForm_SavesAndShowsSpValues()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await AdminBrowser(site);

        var response = await browser.PostForm("/admin/sso-providers/new?kind=okta&protocol=oidc", new Dictionary<string, string>
        {
            ["provider"] = "okta", ["protocol"] = "oidc", ["label"] = "Okta staff", ["subdomain"] = "acme-" + Guid.NewGuid().ToString("N")[..6],
            ["client_id"] = Guid.NewGuid().ToString("N"), ["client_secret"] = "very-secret", ["enabled"] = "true", ["display_on_login_page"] = "true",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await browser.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("Okta staff", page);
        Assert.Contains("/callback", page);
        Assert.DoesNotContain("very-secret", page);
        Assert.Contains("Sign in with Okta staff", await browser.GetStringAsync("/login"));
    }

    [Fact]
    public async Task AddProvider_MissingFields_ShowsErrorsAndKeepsTyping()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await AdminBrowser(site);

        var response = await browser.PostForm("/admin/sso-providers/new?kind=saml", new Dictionary<string, string>
        {
            ["provider"] = "saml", ["protocol"] = "saml", ["label"] = "My SAML", ["saml_provider_cert_fingerprint"] = "nothex",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Please correct the fields below.", html);
        Assert.Contains("Fingerprint must be a SHA-256 fingerprint", html);
        Assert.Contains("value=\"My SAML\"", html);
        using var api = site.AdminApi();
        Assert.Empty((await (await api.GetAsync(Strategies)).Json()).AsArray());
    }

    [Fact]
    public async Task AddProvider_OnStarterPlan_ExplainsThePlan()
    {
        var site = await server.CreateSiteAsync(plan: "starter");
        using var browser = await AdminBrowser(site);

        var html = await browser.GetStringAsync("/admin/sso-providers/new");

        Assert.Contains("does not include single sign-on", html);
    }

    [Fact]
    public async Task DisableFromTable_AsksForConfirmationNamingAffectedUsers_ThenEndsTheirSessions()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Staff"));
        var user = await CreateUserAsync(api, "ivy", new { authentication_method = "sso", sso_strategy_id = id });
        using var ssoBrowser = WithCookie(site, await WebSessionAsync(server, site, user));
        using var browser = await AdminBrowser(site);

        var toggle = await browser.PostForm("/admin/sso-providers?handler=Toggle", new Dictionary<string, string> { ["id"] = id.ToString(), ["field"] = "enabled" }, tokenFrom: "/admin/sso-providers");
        Assert.Equal($"/admin/sso-providers/{id}?confirm=disable", toggle.Headers.Location!.OriginalString);
        var confirm = await browser.GetStringAsync(toggle.Headers.Location!.OriginalString);
        Assert.Contains("1 user(s) sign in with this provider", confirm);
        Assert.Contains("API keys and SSH keys stay valid", confirm);
        Assert.Equal(HttpStatusCode.OK, (await ssoBrowser.GetAsync(HttpExtensions.Api + "/me")).StatusCode);

        var disable = await browser.PostForm($"/admin/sso-providers/{id}?handler=Disable", new Dictionary<string, string>(), tokenFrom: $"/admin/sso-providers/{id}?confirm=disable");

        Assert.Equal(HttpStatusCode.Redirect, disable.StatusCode);
        Assert.Contains("1 session(s) ended", await browser.GetStringAsync($"/admin/sso-providers/{id}"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await ssoBrowser.GetAsync(HttpExtensions.Api + "/me")).StatusCode);
        Assert.DoesNotContain("Sign in with Staff", await site.Anonymous().GetStringAsync("/login"));
    }

    [Fact]
    public async Task RemoveWithUsers_ShowsCountAndLink()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, ProviderTestData.Saml("Staff"));
        await CreateUserAsync(api, "jay", new { authentication_method = "sso", sso_strategy_id = id });
        using var browser = await AdminBrowser(site);

        var response = await browser.PostForm($"/admin/sso-providers/{id}?handler=Delete", new Dictionary<string, string>(), tokenFrom: $"/admin/sso-providers/{id}");

        var html = await browser.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("still has 1 user(s) assigned: jay", html);
        Assert.Contains($"/admin/users?sso_strategy_id={id}", html);
    }

    [Fact]
    public async Task MoveUsers_PreviewThenConfirm_MovesThem()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var from = await CreateAsync(api, ProviderTestData.Saml("Old"));
        var to = await CreateAsync(api, ProviderTestData.Saml("New"));
        var user = await CreateUserAsync(api, "kim", new { authentication_method = "sso", sso_strategy_id = from });
        using var browser = await AdminBrowser(site);

        var preview = await browser.PostForm($"/admin/sso-providers/{from}?handler=Move", new Dictionary<string, string> { ["to_sso_strategy_id"] = to.ToString() }, tokenFrom: $"/admin/sso-providers/{from}");
        var previewHtml = await preview.Content.ReadAsStringAsync();
        Assert.Contains("These 1 user(s) will move: kim", previewHtml);
        Assert.Equal(from, (long)(await (await api.GetAsync($"{HttpExtensions.Api}/users/{user}")).Json())["sso_strategy_id"]!);

        await browser.PostForm($"/admin/sso-providers/{from}?handler=Move", new Dictionary<string, string> { ["to_sso_strategy_id"] = to.ToString(), ["confirm"] = "true" }, tokenFrom: $"/admin/sso-providers/{from}");

        Assert.Equal(to, (long)(await (await api.GetAsync($"{HttpExtensions.Api}/users/{user}")).Json())["sso_strategy_id"]!);
    }

    [Fact]
    public async Task ProvidersPage_ForNonAdmin_IsForbidden()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        await CreateUserAsync(api, "plain", new { password = "Plain-user-pass-1" });
        using var browser = site.Anonymous();
        await browser.SignIn("plain", "Plain-user-pass-1");

        var response = await browser.GetAsync("/admin/sso-providers");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
