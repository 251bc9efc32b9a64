using System.Net;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Tests.Providers.ProviderTestData;

namespace Gatehouse.Tests.Providers;

[Collection(ServerCollection.Name)]
public sealed class SsoStrategiesApiTests(GatehouseServer server)
{
    [Fact]
    public async Task Create_SamlByHand_ReturnsProviderWithSpValuesForThisSite()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();

        var response = await api.PostJson(Strategies, ProviderTestData.Saml("Staff SSO"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var s = await response.Json();
        var id = (long)s["id"]!;
        Assert.Equal("saml", (string?)s["protocol"]);
        Assert.Equal("Staff SSO", (string?)s["label"]);
        Assert.True((bool)s["enabled"]!);
        Assert.Equal(0, (int)s["user_count"]!);
        Assert.Equal($"{site.BaseUrl}/saml/{id}/acs", (string?)s["sp_acs_url"]);
        Assert.Equal($"{site.BaseUrl}/saml/{id}/metadata", (string?)s["sp_entity_id"]);
        Assert.Equal($"{site.BaseUrl}/sso/{id}/login", (string?)s["login_url"]);
        Assert.Equal($"{site.BaseUrl}/api/scim", (string?)s["scim_base_url"]);
        Assert.Equal(string.Join(':', Enumerable.Repeat("AA", 32)), (string?)s["saml_provider_cert_fingerprint"]);
    }

    [Fact]
    public async Task Create_OidcClientSecret_IsWriteOnlyAndEncryptedAtRest()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var clientId = Guid.NewGuid().ToString("N");

        var response = await api.PostJson(Strategies, OktaOidc("Okta", clientId));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain("s3cret-value", body);
        var s = await response.Json();
        Assert.True((bool)s["client_secret_set"]!);
        Assert.EndsWith($"/oidc/{s["id"]}/callback", (string?)s["oidc_redirect_uri"]);
        await using var scope = server.SiteScope(site.Id, out var db);
        var stored = await db.SsoStrategies.SingleAsync();
        Assert.NotNull(stored.ClientSecretProtected);
        Assert.DoesNotContain("s3cret-value", stored.ClientSecretProtected);
    }

    [Fact]
    public async Task Create_OnStarterPlan_IsRefusedNamingThePlan()
    {
        var site = await server.CreateSiteAsync(plan: "starter");
        using var api = site.AdminApi();

        var response = await api.PostJson(Strategies, ProviderTestData.Saml("Nope"));

        var error = await response.AssertError(403, "not-authorized/plan-upgrade-required");
        Assert.Contains("starter", (string?)error["error"]);
    }

    [Fact]
    public async Task Create_FourthProviderOnPower_IsRefused()
    {
        var site = await server.CreateSiteAsync(plan: "power");
        using var api = site.AdminApi();
        for (var i = 0; i < 3; i++) await CreateAsync(api, ProviderTestData.Saml("P" + i));

        var response = await api.PostJson(Strategies, ProviderTestData.Saml("P3"));

        var error = await response.AssertError(403, "not-authorized/plan-upgrade-required");
        Assert.Contains("at most 3", (string?)error["error"]);
    }

    [Fact]
    public async Task Create_ScimOnPower_IsRefused()
    {
        var site = await server.CreateSiteAsync(plan: "power");
        using var api = site.AdminApi();
        var body = new { provider = "saml", label = "S", saml_provider_metadata_url = "https://idp.example.com/md", scim_authentication_method = "token" };

        var response = await api.PostJson(Strategies, body);

        await response.AssertError(403, "not-authorized/plan-upgrade-required");
    }

    [Fact]
    public async Task Create_SameOidcClientOnAnotherSite_IsConflictWithoutNamingIt()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        var clientId = Guid.NewGuid().ToString("N");
        using var apiA = a.AdminApi();
        await CreateAsync(apiA, OktaOidc("Okta", clientId));
        using var apiB = b.AdminApi();

        var response = await apiB.PostJson(Strategies, OktaOidc("Okta", clientId));

        var error = await response.AssertError(409, "processing-failure/idp-credentials-in-use");
        Assert.DoesNotContain(a.Subdomain, error.ToJsonString());
        Assert.Contains("another site", (string?)error["error"]);
    }

    [Fact]
    public async Task Create_SameSamlIssuerOnAnotherSite_IsConflict()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        var issuer = $"https://idp.example.com/{Guid.NewGuid():N}";
        using var apiA = a.AdminApi();
        await CreateAsync(apiA, ProviderTestData.Saml("A", issuer));
        using var apiB = b.AdminApi();

        var response = await apiB.PostJson(Strategies, ProviderTestData.Saml("B", issuer));

        await response.AssertError(409, "processing-failure/idp-credentials-in-use");
    }

    [Fact]
    public async Task Create_SameEntraTenantAndClientTwiceOnOneSite_IsConflictNamingTheProvider()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var tenant = Guid.NewGuid().ToString();
        var body = new { provider = "azure", protocol = "oidc", label = "Entra", subdomain = tenant, client_id = "c1", client_secret = "x" };
        await CreateAsync(api, body);

        var response = await api.PostJson(Strategies, new { provider = "azure", protocol = "oidc", label = "Entra 2", subdomain = tenant, client_id = "c1", client_secret = "x" });

        var error = await response.AssertError(409, "processing-failure/duplicate-idp-credentials");
        Assert.Contains("\"Entra\"", (string?)error["error"]);
    }

    [Theory]
    [InlineData("{\"provider\":\"bogus\",\"label\":\"x\"}", "provider")]
    [InlineData("{\"provider\":\"saml\",\"protocol\":\"oidc\",\"label\":\"x\"}", "protocol")]
    [InlineData("{\"provider\":\"saml\",\"label\":\"\"}", "label")]
    [InlineData("{\"provider\":\"saml\",\"label\":\"x\",\"saml_provider_cert_fingerprint\":\"zz\",\"saml_provider_issuer_url\":\"i\",\"saml_provider_sso_target_url\":\"https://a/\"}", "saml_provider_cert_fingerprint")]
    [InlineData("{\"provider\":\"saml\",\"label\":\"x\"}", "saml_provider_metadata_url")]
    [InlineData("{\"provider\":\"saml\",\"label\":\"x\",\"saml_provider_metadata_url\":\"ftp://idp/\"}", "saml_provider_metadata_url")]
    [InlineData("{\"provider\":\"azure\",\"protocol\":\"oidc\",\"label\":\"x\",\"subdomain\":\"common\",\"client_id\":\"c\",\"client_secret\":\"s\"}", "subdomain")]
    [InlineData("{\"provider\":\"oidc\",\"label\":\"x\",\"client_id\":\"c\",\"client_secret\":\"s\"}", "oidc_issuer_url")]
    [InlineData("{\"provider\":\"ldap\",\"label\":\"x\",\"ldap_host\":\"ldap.example.com\"}", "ldap_base_dn")]
    [InlineData("{\"provider\":\"ldap\",\"label\":\"x\",\"ldap_host\":\"ldap://x:389\",\"ldap_base_dn\":\"dc=x\"}", "ldap_host")]
    [InlineData("{\"provider\":\"ldap\",\"label\":\"x\",\"ldap_host\":\"h\",\"ldap_base_dn\":\"dc=x\",\"ldap_port\":70000}", "ldap_port")]
    [InlineData("{\"provider\":\"saml\",\"label\":\"x\",\"saml_provider_metadata_url\":\"https://i/\",\"deprovision_behavior\":\"explode\"}", "deprovision_behavior")]
    [InlineData("{\"provider\":\"saml\",\"label\":\"x\",\"saml_provider_metadata_url\":\"https://i/\",\"enabled\":\"maybe\"}", "enabled")]
    public async Task Create_BadField_Is422NamingTheFieldAndWritesNothing(string body, string field)
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();

        var response = await api.SendRaw(HttpMethod.Post, Strategies, body);

        var error = await response.AssertError(422, "processing-failure/resource-validation-failure");
        Assert.NotNull(error["model-errors"]?[field]);
        var list = (await (await api.GetAsync(Strategies)).Json()).AsArray();
        Assert.Empty(list);
    }

    [Fact]
    public async Task Create_DuplicateLabel_IsRefused()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        await CreateAsync(api, ProviderTestData.Saml("Staff"));

        var response = await api.PostJson(Strategies, ProviderTestData.Saml("staff"));

        var error = await response.AssertError(422);
        Assert.NotNull(error["model-errors"]?["label"]);
    }

    [Fact]
    public async Task NonAdmin_CannotListOrCreate()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var userId = await CreateUserAsync(api, "plain", new { password = "Plain-user-pass-1" });
        using var user = site.Anonymous(cookies: false);
        var session = await (await user.PostJson(HttpExtensions.Api + "/sessions", new { username = "plain", password = "Plain-user-pass-1" })).Json();
        user.DefaultRequestHeaders.Add("X-FilesAPI-Auth", (string)session["id"]!);

        await (await user.GetAsync(Strategies)).AssertError(403, "not-authorized/site-admin-required");
        await (await user.PostJson(Strategies, ProviderTestData.Saml("X"))).AssertError(403, "not-authorized/site-admin-required");
        Assert.True(userId > 0);
    }

    [Fact]
    public async Task Show_ProviderOfAnotherSite_IsNotFound()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        using var apiA = a.AdminApi();
        var id = await CreateAsync(apiA, ProviderTestData.Saml("A"));
        using var apiB = b.AdminApi();

        await (await apiB.GetAsync($"{Strategies}/{id}")).AssertError(404, "not-found/");
        await (await apiB.PatchJson($"{Strategies}/{id}", new { enabled = false })).AssertError(404, "not-found/");
        await (await apiB.DeleteAsync($"{Strategies}/{id}")).AssertError(404, "not-found/");
    }

    [Fact]
    public async Task Update_IsAuditedWithOldAndNewAndSecretsRedacted()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, OktaOidc("Okta", Guid.NewGuid().ToString("N")));

        await api.PatchJson($"{Strategies}/{id}", new { label = "Okta staff", client_secret = "new-secret-value-123" });

        var events = (await (await api.GetAsync(HttpExtensions.Api + "/sso_events")).Json()).AsArray();
        var change = events.First(e => (string?)e!["reason"] == "provider_updated")!;
        var body = (string)change["body"]!;
        Assert.Contains("\"label\":{\"old\":\"Okta\",\"new\":\"Okta staff\"}", body);
        Assert.Contains("client_secret_protected", body);
        Assert.Contains("[redacted]", body);
        Assert.DoesNotContain("new-secret-value-123", body);
    }

    [Fact]
    public async Task ScimToken_IsShownOnceAndStoredHashed()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var create = await (await api.PostJson(Strategies, new { provider = "okta", label = "Okta", saml_provider_metadata_url = "https://okta.example.com/md", scim_authentication_method = "token" })).Json();
        var token = (string?)create["scim_oauth_access_token"];
        Assert.False(string.IsNullOrEmpty(token));
        Assert.NotNull((string?)create["scim_oauth_access_token_expires_at"]);

        var shown = await (await api.GetAsync($"{Strategies}/{create["id"]}")).Json();
        Assert.Null((string?)shown["scim_oauth_access_token"]);

        var reset = await (await api.PatchJson($"{Strategies}/{create["id"]}", new { reset_scim_oauth_access_token = true })).Json();
        Assert.NotEqual(token, (string?)reset["scim_oauth_access_token"]);
    }
}
