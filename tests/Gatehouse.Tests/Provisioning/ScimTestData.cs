using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Providers;

namespace Gatehouse.Tests.Provisioning;

/// <summary>A provider with a SCIM token on a site, and a client that speaks SCIM with it.</summary>
internal sealed record ScimProvider(TestSite Site, long StrategyId, string Token)
{
    public HttpClient Client(string? token = null)
    {
        var c = Site.Anonymous(cookies: false);
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        c.DefaultRequestHeaders.UserAgent.ParseAdd("Okta SCIM Client 1.0.0");
        return c;
    }
}

internal static class ScimTestData
{
    public const string Base = "/api/scim";

    public static async Task<ScimProvider> ProviderAsync(TestSite site, object? extra = null, string label = "Okta")
    {
        using var api = site.AdminApi();
        var body = new Dictionary<string, object?>
        {
            ["provider"] = "saml", ["label"] = label + " " + Guid.NewGuid().ToString("N")[..6],
            ["saml_provider_issuer_url"] = $"https://idp.example.com/{Guid.NewGuid():N}",
            ["saml_provider_sso_target_url"] = "https://idp.example.com/sso",
            ["saml_provider_cert_fingerprint"] = new string('a', 64),
            ["scim_authentication_method"] = "token",
        };
        if (extra is not null)
            foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        var r = await api.PostJson(ProviderTestData.Strategies, body);
        var json = await r.Json();
        Assert.True(r.StatusCode == HttpStatusCode.Created, json.ToJsonString());
        return new ScimProvider(site, (long)json["id"]!, (string)json["scim_oauth_access_token"]!);
    }

    public static Task<HttpResponseMessage> Scim(this HttpClient c, HttpMethod method, string path, string? json = null, string contentType = "application/scim+json")
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        return c.SendAsync(request);
    }

    public static Task<HttpResponseMessage> ScimPost(this HttpClient c, string path, JsonNode body) => c.Scim(HttpMethod.Post, path, body.ToJsonString());
    public static Task<HttpResponseMessage> ScimPatch(this HttpClient c, string path, JsonNode body) => c.Scim(HttpMethod.Patch, path, body.ToJsonString());
    public static Task<HttpResponseMessage> ScimPut(this HttpClient c, string path, JsonNode body) => c.Scim(HttpMethod.Put, path, body.ToJsonString());

    /// <summary>Asserts the status and the RFC 7644 §3.12 error shape; returns the body.</summary>
    public static async Task<JsonNode> AssertScimError(this HttpResponseMessage r, int status, string? scimType = null)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == status, $"expected {status}, got {(int)r.StatusCode}: {text}");
        Assert.Equal("application/scim+json", r.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!;
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", (string?)body["schemas"]![0]);
        Assert.Equal(status.ToString(), (string?)body["status"]);
        if (scimType is not null) Assert.Equal(scimType, (string?)body["scimType"]);
        Assert.DoesNotContain("   at ", text);
        return body;
    }

    public static async Task<JsonNode> AssertScim(this HttpResponseMessage r, int status)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == status, $"expected {status}, got {(int)r.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static JsonObject OktaUser(string userName, string given = "Test", string family = "User") => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
        ["userName"] = userName,
        ["name"] = new JsonObject { ["givenName"] = given, ["familyName"] = family },
        ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["value"] = userName, ["type"] = "work" }),
        ["displayName"] = $"{given} {family}",
        ["locale"] = "en-US",
        ["externalId"] = "00u" + Guid.NewGuid().ToString("N")[..17],
        ["groups"] = new JsonArray(),
        ["password"] = "1mz050nq",
        ["active"] = true,
    };

    public static async Task<string> CreateUserAsync(HttpClient scim, string userName)
    {
        var r = await scim.ScimPost(Base + "/Users", OktaUser(userName));
        return (string)(await r.AssertScim(201))["id"]!;
    }

    public static JsonObject Patch(params JsonObject[] operations) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
        ["Operations"] = new JsonArray(operations.Select(o => (JsonNode)o).ToArray()),
    };

    public static JsonObject Op(string op, string? path, JsonNode? value)
    {
        var o = new JsonObject { ["op"] = op };
        if (path is not null) o["path"] = path;
        if (value is not null) o["value"] = value;
        return o;
    }
}
