using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Providers;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Tests.Provisioning.ScimTestData;

namespace Gatehouse.Tests.Provisioning;

/// <summary>Credentials, isolation between sites and providers, and hostile input (security catalogue §5).</summary>
[Collection(ServerCollection.Name)]
public sealed class ScimSecurityTests(GatehouseServer server)
{
    [Fact]
    public async Task Auth_MissingWrongOrOtherSitesToken_Is401WithChallenge()
    {
        var siteA = await server.CreateSiteAsync();
        var siteB = await server.CreateSiteAsync();
        var a = await ProviderAsync(siteA);
        var b = await ProviderAsync(siteB);

        using var none = siteA.Anonymous(cookies: false);
        var r = await none.GetAsync(Base + "/Users");
        await r.AssertScimError(401);
        Assert.Contains("Bearer", r.Headers.WwwAuthenticate.ToString());

        using var wrong = a.Client("scim_not-a-token");
        await (await wrong.GetAsync(Base + "/Users")).AssertScimError(401);

        // Site B's token on site A's host: unknown here.
        using var crossSite = new ScimProvider(siteA, a.StrategyId, b.Token).Client();
        await (await crossSite.GetAsync(Base + "/Users")).AssertScimError(401);

        // The REST API's credentials are not SCIM credentials.
        using var apiKey = siteA.AdminApi();
        await (await apiKey.GetAsync(Base + "/Users")).AssertScimError(401);

        // A token in the query string is ignored.
        await (await none.GetAsync($"{Base}/Users?access_token={a.Token}")).AssertScimError(401);
    }

    [Fact]
    public async Task Auth_ExpiredToken_Is401()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            var s = await db.SsoStrategies.SingleAsync(x => x.Id == p.StrategyId);
            s.ScimTokenExpiresAt = DateTime.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }
        using var scim = p.Client();
        var body = await (await scim.GetAsync(Base + "/Users")).AssertScimError(401);
        Assert.Contains("expired", (string?)body["detail"]);
    }

    [Fact]
    public async Task Auth_BasicCredentials_Work()
    {
        var site = await server.CreateSiteAsync();
        using var api = site.AdminApi();
        var created = await (await api.PostJson(ProviderTestData.Strategies, new
        {
            provider = "saml", label = "OneLogin", saml_provider_issuer_url = $"https://idp.example.com/{Guid.NewGuid():N}",
            saml_provider_sso_target_url = "https://idp.example.com/sso", saml_provider_cert_fingerprint = new string('a', 64),
            scim_authentication_method = "basic",
        })).Json();
        var username = (string)created["scim_username"]!;
        var password = (string?)created["scim_password"];
        Assert.False(string.IsNullOrEmpty(password));
        using var scim = site.Anonymous(cookies: false);
        scim.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        await (await scim.GetAsync(Base + "/Users")).AssertScim(200);
        scim.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:wrong")));
        await (await scim.GetAsync(Base + "/Users")).AssertScimError(401);
    }

    [Fact]
    public async Task Isolation_ProviderSeesOnlyItsOwnUsers_AndNeverTakesOverAnother()
    {
        var site = await server.CreateSiteAsync();
        var one = await ProviderAsync(site, label: "One");
        var two = await ProviderAsync(site, label: "Two");
        using var scim1 = one.Client();
        using var scim2 = two.Client();
        var id = await CreateUserAsync(scim1, "shared@example.com");

        var list = await (await scim2.GetAsync(Base + "/Users?filter=userName%20eq%20%22shared%40example.com%22")).AssertScim(200);
        Assert.Equal(0, (int)list["totalResults"]!);
        await (await scim2.GetAsync($"{Base}/Users/{id}")).AssertScimError(404);
        await (await scim2.ScimPatch($"{Base}/Users/{id}", Patch(Op("replace", "active", JsonValue.Create(false))))).AssertScimError(404);
        Assert.Equal(404, (int)(await scim2.DeleteAsync($"{Base}/Users/{id}")).StatusCode);

        // Provider 2 cannot create the same userName, nor take over the site's password admin.
        await (await scim2.ScimPost(Base + "/Users", OktaUser("shared@example.com"))).AssertScimError(409, "uniqueness");
        var admin = OktaUser(site.AdminUsername);
        admin["emails"] = new JsonArray(new JsonObject { ["value"] = "admin@example.com", ["primary"] = true });
        await (await scim2.ScimPost(Base + "/Users", admin)).AssertScimError(409, "uniqueness");
        // …nor put another provider's user in its group.
        await (await scim2.ScimPost(Base + "/Groups", new JsonObject { ["displayName"] = "G2", ["members"] = new JsonArray(new JsonObject { ["value"] = id }) }))
            .AssertScimError(400, "invalidValue");

        // The same provider's duplicate POST is a uniqueness conflict too.
        await (await scim1.ScimPost(Base + "/Users", OktaUser("Shared@Example.com"))).AssertScimError(409, "uniqueness");

        // Another site's SCIM does not see this site's user, even with the id.
        var other = await ProviderAsync(await server.CreateSiteAsync());
        using var scimOther = other.Client();
        await (await scimOther.GetAsync($"{Base}/Users/{id}")).AssertScimError(404);
    }

    [Fact]
    public async Task Input_Hostile_AnswersScimErrorsNever500()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        using var scim = p.Client();

        await (await scim.Scim(HttpMethod.Post, Base + "/Users", "{\"userName\": ")).AssertScimError(400, "invalidSyntax");
        await (await scim.Scim(HttpMethod.Post, Base + "/Users", "[1,2]")).AssertScimError(400, "invalidSyntax");
        await (await scim.Scim(HttpMethod.Post, Base + "/Users", "{\"userName\":\"a@x.com\",\"userName\":\"b@x.com\"}")).AssertScimError(400, "invalidSyntax");
        await (await scim.Scim(HttpMethod.Post, Base + "/Users", "{\"userName\":\"a@x.com\",\"USERNAME\":\"b@x.com\"}")).AssertScimError(400, "invalidSyntax");
        await (await scim.Scim(HttpMethod.Post, Base + "/Users", "{\"name\":{}}")).AssertScimError(400, "invalidValue");
        await (await scim.Scim(HttpMethod.Post, Base + "/Users", "{\"userName\":\"x@x.com\"}", "text/plain")).AssertScimError(400, "invalidSyntax");

        var huge = "{\"userName\":\"big@x.com\",\"displayName\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        await (await scim.Scim(HttpMethod.Post, Base + "/Users", huge)).AssertScimError(413);

        await (await scim.GetAsync(Base + "/Users?filter=userName%20zz%20%22a%22")).AssertScimError(400, "invalidFilter");
        await (await scim.GetAsync(Base + "/Users?filter=password%20sw%20%22a%22")).AssertScimError(400, "invalidFilter");
        await (await scim.GetAsync(Base + "/Users?filter=meta.lastModified%20gt%20%22not-a-date%22")).AssertScimError(400, "invalidFilter");
        await (await scim.GetAsync(Base + "/Users?filter=title%20eq%20%22x%22")).AssertScimError(400, "invalidFilter");
        await (await scim.GetAsync(Base + "/Users?filter=" + Uri.EscapeDataString(new string('(', 50) + "userName eq \"a\"" + new string(')', 50)))).AssertScimError(400, "invalidFilter");
        await (await scim.GetAsync(Base + "/Users?filter=" + Uri.EscapeDataString("userName eq \"x\"; DROP TABLE users;--\""))).AssertScimError(400, "invalidFilter");
        await (await scim.ScimPost(Base + "/Users/.search", new JsonObject { ["filter"] = "userName eq \"" + new string('a', 5000) + "\"" })).AssertScimError(400, "invalidFilter");
        await (await scim.GetAsync(Base + "/Users?count=abc")).AssertScimError(400, "invalidValue");
        await (await scim.ScimPatch(Base + "/Users/1", new JsonObject { ["Operations"] = new JsonArray() })).AssertScimError(404);

        var id = await CreateUserAsync(scim, "patchme@example.com");
        await (await scim.ScimPatch($"{Base}/Users/{id}", new JsonObject { ["Operations"] = new JsonArray() })).AssertScimError(400, "invalidSyntax");
        await (await scim.ScimPatch($"{Base}/Users/{id}", Patch(Op("replace", "id", JsonValue.Create("9"))))).AssertScimError(400, "mutability");
        await (await scim.ScimPatch($"{Base}/Users/{id}", Patch(Op("replace", "nope.nothing", JsonValue.Create("9"))))).AssertScimError(400, "invalidPath");
        await (await scim.ScimPatch($"{Base}/Users/{id}", Patch(Op("remove", null, null)))).AssertScimError(400, "noTarget");

        // count is clamped; startIndex < 1 is read as 1 (RFC 7644 §3.4.2.4).
        var page = await (await scim.GetAsync(Base + "/Users?count=1000000&startIndex=0")).AssertScim(200);
        Assert.Equal(1, (int)page["startIndex"]!);
        var countOnly = await (await scim.GetAsync(Base + "/Users?count=-1")).AssertScim(200);
        Assert.Equal(1, (int)countOnly["totalResults"]!);
        Assert.Empty(countOnly["Resources"]!.AsArray());
    }

    [Fact]
    public async Task ETag_IfMatchMismatch_Is412()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        using var scim = p.Client();
        var id = await CreateUserAsync(scim, "etag@example.com");
        var get = await scim.GetAsync($"{Base}/Users/{id}");
        var etag = get.Headers.ETag!.ToString();
        Assert.Equal(etag, (string?)(await get.AssertScim(200))["meta"]!["version"]);

        var stale = new HttpRequestMessage(HttpMethod.Patch, $"{Base}/Users/{id}")
        { Content = new StringContent(Patch(Op("replace", "displayName", JsonValue.Create("X"))).ToJsonString(), Encoding.UTF8, "application/scim+json") };
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"0000\"");
        await (await scim.SendAsync(stale)).AssertScimError(412);

        var fresh = new HttpRequestMessage(HttpMethod.Patch, $"{Base}/Users/{id}")
        { Content = new StringContent(Patch(Op("replace", "displayName", JsonValue.Create("X"))).ToJsonString(), Encoding.UTF8, "application/json") };
        fresh.Headers.TryAddWithoutValidation("If-Match", etag);
        var ok = await (await scim.SendAsync(fresh)).AssertScim(200);
        Assert.NotEqual(etag, (string?)ok["meta"]!["version"]);
    }

    [Fact]
    public async Task Plan_WithoutScim_IsForbidden()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            (await db.Sites.SingleAsync(s => s.Id == site.Id)).Plan = "power";
            await db.SaveChangesAsync();
        }
        using var scim = p.Client();
        await (await scim.GetAsync(Base + "/Users")).AssertScimError(403);
    }
}
