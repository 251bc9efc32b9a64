using System.Net;
using Gatehouse.Hosting;
using Gatehouse.Oidc;
using Gatehouse.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using static Gatehouse.Tests.Oidc.OidcTestData;
using static Gatehouse.Tests.Providers.ProviderTestData;

namespace Gatehouse.Tests.Oidc;

/// <summary>Bad configuration gives the admin a clear message: refresh_discovery ("Test connection"), the API fields, the sign-in page.</summary>
[Collection(OidcCollection.Name)]
public sealed class OidcDiscoveryTests(OidcFixture f)
{
    private GatehouseServer Server => f.Server;

    [Fact]
    public async Task RefreshDiscovery_ReachableIssuer_ReportsStatusFields()
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok", withUser: false);
        using var api = site.AdminApi();

        var r = await api.PostAsync($"{Strategies}/{id}/refresh_discovery", null);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var json = await r.Json();
        Assert.Equal(f.Rogue.Issuer, (string)json["oidc_issuer"]!);
        Assert.NotNull(json["oidc_discovery_refreshed_at"]);
        Assert.Null(json["oidc_discovery_error"]);
        Assert.Equal("query", (string)json["oidc_response_mode"]!);
        Assert.Equal("client_secret_basic", (string)json["oidc_client_auth_method"]!);
        Assert.Equal("preferred_username", (string)json["oidc_identity_claim"]!);
        Assert.True((bool)json["sign_in_available"]!);
    }

    [Fact]
    public async Task RefreshDiscovery_UnreachableIssuer_SaysSoClearly_AndSignInShowsPage()
    {
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, new { provider = "oidc", label = "Dead IdP", oidc_issuer_url = "http://127.0.0.1:1/dead", client_id = "dead-" + Guid.NewGuid(), client_secret = "x" });

        var r = await api.PostAsync($"{Strategies}/{id}/refresh_discovery", null);

        var error = await r.AssertError(422, "processing-failure/oidc-discovery-failed");
        Assert.Contains("http://127.0.0.1:1/dead/.well-known/openid-configuration could not be fetched", (string)error["error"]!);
        var shown = await (await api.GetAsync($"{Strategies}/{id}")).Json();
        Assert.Contains("could not be fetched", (string)shown["oidc_discovery_error"]!);
        using var browser = site.Anonymous();
        var login = await browser.GetAsync($"/sso/{id}/login");
        Assert.Equal(HttpStatusCode.BadGateway, login.StatusCode);
        Assert.Contains("cannot be reached", await login.Content.ReadAsStringAsync());
        Assert.Equal("discovery_failed", (await LastEventAsync(Server, site, id)).Reason);
    }

    [Fact]
    public async Task RefreshDiscovery_IssuerNotExactlyTheDocuments_IsRefused()
    {
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, new { provider = "oidc", label = "Slash", oidc_issuer_url = f.Rogue.Issuer + "/", client_id = "slash-" + Guid.NewGuid(), client_secret = "x" });

        var r = await api.PostAsync($"{Strategies}/{id}/refresh_discovery", null);

        var error = await r.AssertError(422);
        Assert.Contains("§4.3", (string)error["error"]!);
    }

    [Fact]
    public async Task Settings_InvalidOidcOption_IsA422()
    {
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();

        var r = await api.PostJson(Strategies, new { provider = "oidc", label = "Bad", oidc_issuer_url = f.Rogue.Issuer, client_id = "bad-" + Guid.NewGuid(), client_secret = "x", oidc_response_mode = "fragment" });

        var body = await r.AssertError(422);
        Assert.NotNull(body["model-errors"]!["oidc_response_mode"]);
    }

    [Fact]
    public async Task RefreshDiscovery_SamlProvider_IsABadRequest()
    {
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, Providers.ProviderTestData.Saml("Some SAML"));

        await (await api.PostAsync($"{Strategies}/{id}/refresh_discovery", null)).AssertError(400, "bad-request/not-oidc");
    }

    [Fact]
    public async Task TokenClient_PrivateAddressWhenNotAllowed_IsRefusedWithReason()
    {
        using var client = new OidcTokenClient(Options.Create(new GatehouseOptions { Outbound = { AllowHttp = true, AllowPrivateNetworks = false } }));

        var r = await client.RedeemCodeAsync(f.Rogue.Issuer + "/token", "c", "s", "client_secret_basic", "code", "http://x/cb", "v", CancellationToken.None);

        Assert.False(r.Succeeded);
        Assert.Contains("private, loopback or link-local", r.Problem);
    }

    [Fact]
    public async Task TokenClient_HttpWhenNotAllowed_IsRefused()
    {
        using var client = new OidcTokenClient(Options.Create(new GatehouseOptions { Outbound = { AllowHttp = false, AllowPrivateNetworks = true } }));

        var r = await client.RedeemCodeAsync(f.Rogue.Issuer + "/token", "c", "s", "client_secret_basic", "code", "http://x/cb", "v", CancellationToken.None);

        Assert.Contains("not https", r.Problem);
    }
}
