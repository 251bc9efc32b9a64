using System.Net;
using Gatehouse.Hosting;
using Gatehouse.Oidc;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Gatehouse.Tests.Oidc.OidcTestData;
using static Gatehouse.Tests.Providers.ProviderTestData;

namespace Gatehouse.Tests.Oidc;

/// <summary>
/// The admin provider page for OIDC: the options the API accepts (response mode, client authentication, identity
/// claim, clock skew) and "Test connection", whose message says what is wrong with the configuration.
/// </summary>
[Collection(OidcCollection.Name)]
public sealed class OidcAdminPageTests(OidcFixture f)
{
    private GatehouseServer Server => f.Server;

    private static async Task<HttpClient> AdminBrowser(TestSite site)
    {
        var browser = site.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignIn(site.AdminUsername, site.AdminPassword)).StatusCode);
        return browser;
    }

    private static Dictionary<string, string> OidcForm(string label, string issuer, string clientId) => new()
    {
        ["provider"] = "oidc", ["protocol"] = "oidc", ["label"] = label, ["oidc_issuer_url"] = issuer, ["client_id"] = clientId,
        ["client_secret"] = "", ["display_on_login_page"] = "true",
    };

    private static async Task<string> TestConnectionAsync(HttpClient browser, long id)
    {
        var r = await browser.PostForm($"/admin/sso-providers/{id}?handler=TestConnection", new(), tokenFrom: $"/admin/sso-providers/{id}");
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return WebUtility.HtmlDecode(await browser.GetStringAsync(r.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task EditPage_OidcOptions_AreShownAndSaved()
    {
        var site = await Server.CreateSiteAsync();
        var (id, clientId) = await RogueProviderAsync(f, site, "ok", withUser: false);
        using var browser = await AdminBrowser(site);
        var html = await browser.GetStringAsync($"/admin/sso-providers/{id}");
        foreach (var field in new[] { "oidc_response_mode", "oidc_client_auth_method", "oidc_identity_claim", "clock_skew_seconds", "form_post", "client_secret_post", "upn" })
            Assert.Contains(field, html);

        var form = OidcForm("Rogue edited", f.Rogue.Issuer, clientId);
        form["oidc_response_mode"] = "form_post";
        form["oidc_client_auth_method"] = "client_secret_post";
        form["oidc_identity_claim"] = "email";
        form["clock_skew_seconds"] = "30";
        var saved = await browser.PostForm($"/admin/sso-providers/{id}?handler=Save", form, tokenFrom: $"/admin/sso-providers/{id}");

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        using var api = site.AdminApi();
        var json = await (await api.GetAsync($"{Strategies}/{id}")).Json();
        Assert.Equal("form_post", (string)json["oidc_response_mode"]!);
        Assert.Equal("client_secret_post", (string)json["oidc_client_auth_method"]!);
        Assert.Equal("email", (string)json["oidc_identity_claim"]!);
        Assert.Equal(30, (int)json["clock_skew_seconds"]!);
        // The page shows the saved choices selected.
        html = await browser.GetStringAsync($"/admin/sso-providers/{id}");
        Assert.Contains("<option value=\"form_post\" selected=\"selected\">", html);
        Assert.Contains("<option value=\"email\" selected=\"selected\">", html);
    }

    [Fact]
    public async Task EditPage_ClockSkewOutOfRange_ShowsErrorAndKeepsChoices()
    {
        var site = await Server.CreateSiteAsync();
        var (id, clientId) = await RogueProviderAsync(f, site, "ok", withUser: false);
        using var browser = await AdminBrowser(site);
        var form = OidcForm("Rogue", f.Rogue.Issuer, clientId);
        form["oidc_response_mode"] = "form_post";
        form["clock_skew_seconds"] = "9999";

        var r = await browser.PostForm($"/admin/sso-providers/{id}?handler=Save", form, tokenFrom: $"/admin/sso-providers/{id}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        var html = await r.Content.ReadAsStringAsync();
        Assert.Contains("Clock skew must be between 0 and 600", html);
        Assert.Contains("<option value=\"form_post\" selected=\"selected\">", html);
    }

    [Fact]
    public async Task TestConnection_ReachableIssuer_SaysOkWithKeyCount()
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok", withUser: false);
        using var browser = await AdminBrowser(site);

        var page = await TestConnectionAsync(browser, id);

        // The count depends on whether the rotation test already published the rogue's second key.
        Assert.Matches($@"Connection OK: the discovery document of {System.Text.RegularExpressions.Regex.Escape(f.Rogue.Issuer)} and [12] signing key\(s\) were fetched\.", page);
        Assert.Contains("last fetched", page);
    }

    [Fact]
    public async Task TestConnection_UnreachableIssuer_SaysCouldNotBeFetched()
    {
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, new { provider = "oidc", label = "Dead IdP", oidc_issuer_url = "http://127.0.0.1:1/dead", client_id = "dead-" + Guid.NewGuid(), client_secret = "x" });
        using var browser = await AdminBrowser(site);

        var page = await TestConnectionAsync(browser, id);

        Assert.Contains("Connection failed: The discovery document http://127.0.0.1:1/dead/.well-known/openid-configuration could not be fetched.", page);
        Assert.Contains("Last attempt failed:", page);
    }

    [Fact]
    public async Task TestConnection_WrongIssuerInDiscovery_NamesBothIssuers()
    {
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();
        // A trailing slash too many: the document's issuer differs, which an exact comparison must report (OIDC Discovery §4.3).
        var id = await CreateAsync(api, new { provider = "oidc", label = "Slash", oidc_issuer_url = f.Rogue.Issuer + "/", client_id = "slash-" + Guid.NewGuid(), client_secret = "x" });
        using var browser = await AdminBrowser(site);

        var page = await TestConnectionAsync(browser, id);

        Assert.Contains($"Connection failed: The discovery document names the issuer \"{f.Rogue.Issuer}\", not \"{f.Rogue.Issuer}/\"", page);
    }

    [Fact]
    public async Task TestConnection_PresetAtRealProvider_SaysOk()
    {
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, new { provider = "onelogin", protocol = "oidc", label = "OneLogin", subdomain = OidcFixture.OneLoginSubdomain, client_id = "c-" + Guid.NewGuid(), client_secret = "x" });
        using var browser = await AdminBrowser(site);

        var page = await TestConnectionAsync(browser, id);

        Assert.Contains($"Connection OK: the discovery document of {f.OneLogin.Issuer}", page);
    }

    [Fact]
    public async Task Discovery_PrivateAddressWhenNotAllowed_IsRefusedWithReason()
    {
        // The page shows OidcDiscovery's message; here the same discovery with production's outbound rule.
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok", withUser: false);
        using var strict = new OutboundHttp(Options.Create(new GatehouseOptions { Outbound = new() { AllowHttp = true, AllowPrivateNetworks = false } }));
        await using var scope = Server.SiteScope(site.Id, out var db);
        var s = await db.SsoStrategies.FirstAsync(x => x.Id == id);
        var discovery = new OidcDiscovery(db, strict, Options.Create(new OidcOptions()), TimeProvider.System, NullLogger<OidcDiscovery>.Instance);

        var result = await discovery.GetAsync(s, force: true, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("could not be fetched", result.Error);
        Assert.Contains("private", result.Error);
        Assert.Contains("AllowPrivateNetworks", result.Error);
    }
}
