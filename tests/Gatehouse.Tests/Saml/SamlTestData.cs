using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Tests.Providers.ProviderTestData;

// Not "Gatehouse.Tests.Saml": that namespace would hide ProviderTestData.Saml(...) in the Providers tests.
namespace Gatehouse.Tests.SamlHost;

/// <summary>One SP-initiated request as the IdP received it.</summary>
public sealed record StartedFlow(string RequestId, string? RelayState, string Acs, string Audience, bool Signed, string RedirectUrl);

internal static class SamlTestData
{
    /// <summary>A SAML provider created through the API from the test IdP tenant's metadata URL.</summary>
    public static async Task<long> CreateProviderAsync(TestSite site, SamlIdp.Tenant idp, string label = "Test IdP", object? extra = null)
    {
        using var api = site.AdminApi();
        var body = new Dictionary<string, object?> { ["provider"] = "saml", ["label"] = label, ["saml_provider_metadata_url"] = idp.MetadataUrl };
        if (extra is not null) foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        return await CreateAsync(api, body);
    }

    public static async Task<long> SsoUserAsync(TestSite site, string username, long strategyId, bool disabled = false)
    {
        using var api = site.AdminApi();
        var r = await api.PostJson(HttpExtensions.Api + "/users",
            new { username, authentication_method = "sso", sso_strategy_id = strategyId, disabled });
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (long)(await r.Json())["id"]!;
    }

    /// <summary>Clicks the provider's login_url: our redirect to the IdP, read back by the IdP itself.</summary>
    public static async Task<StartedFlow> StartAsync(HttpClient browser, SamlIdp.Tenant idp, long strategyId, string? returnTo = null)
    {
        var r = await browser.GetAsync($"/sso/{strategyId}/login" + (returnTo is null ? "" : "?return_to=" + Uri.EscapeDataString(returnTo)));
        Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"{(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        var location = r.Headers.Location!.ToString();
        Assert.StartsWith(idp.Base + "/sso?", location);
        var request = await idp.InflateAsync(location);
        return new StartedFlow((string)request["id"]!, (string?)request["relay_state"], (string)request["acs"]!, (string)request["issuer"]!,
            (bool)request["signed"]!, location);
    }

    public static Task<HttpResponseMessage> PostAcsAsync(HttpClient browser, long strategyId, string? samlResponse, string? relayState)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (samlResponse is not null) fields.Add(new("SAMLResponse", samlResponse));
        if (relayState is not null) fields.Add(new("RelayState", relayState));
        return browser.PostAsync($"/saml/{strategyId}/acs", new FormUrlEncodedContent(fields));
    }

    /// <summary>The full happy path by HTTP: start, IdP answers (optionally mutated), ACS.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, SamlIdp.Tenant idp, long strategyId, string mutation = "none", string? nameId = null)
    {
        var flow = await StartAsync(browser, idp, strategyId);
        var response = await idp.ResponseAsync(flow.RequestId, flow.Acs, flow.Audience, mutation, nameId);
        return await PostAcsAsync(browser, strategyId, response, flow.RelayState);
    }

    /// <summary>Clicks "Authorize" on the first-sign-in page; returns the final redirect.</summary>
    public static Task<HttpResponseMessage> AuthorizeAsync(HttpClient browser) => browser.PostForm("/sso/authorize", []);

    public static async Task<string?> MeAsync(HttpClient browser)
    {
        var r = await browser.GetAsync(HttpExtensions.Api + "/me");
        return r.StatusCode == HttpStatusCode.OK ? (string?)(await r.Json())["username"] : null;
    }

    public static void AssertRedirectTo(HttpResponseMessage r, string path, string because = "")
    {
        Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"expected a redirect to {path}, got {(int)r.StatusCode} {because}");
        Assert.Equal(path, r.Headers.Location!.OriginalString);
    }

    /// <summary>A refusal: a readable 4xx page with a reference, never a 5xx, no session.</summary>
    public static async Task<string> AssertRefusedAsync(HttpResponseMessage r)
    {
        var html = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode is >= 400 and < 500, $"expected 4xx, got {(int)r.StatusCode}: {html}");
        Assert.Contains("Reference:", html);
        Assert.DoesNotContain("<saml", html);
        Assert.DoesNotContain("   at ", html);
        Assert.False(r.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("gh_session=") && !c.Contains("expires=Thu, 01 Jan 1970")),
            "a refused response must not start a session");
        return html;
    }

    /// <summary>The sso_event a refusal page refers to.</summary>
    public static async Task<SsoEvent> EventAsync(GatehouseServer server, TestSite site, string html)
    {
        var m = System.Text.RegularExpressions.Regex.Match(html, @"Reference: (\d+)");
        Assert.True(m.Success, html);
        var id = long.Parse(m.Groups[1].Value);
        await using var scope = server.SiteScope(site.Id, out var db);
        return await db.SsoEvents.AsNoTracking().FirstAsync(e => e.Id == id);
    }

    public static JsonObject Body(SsoEvent e) => (JsonObject)JsonNode.Parse(e.Body!)!;
}
