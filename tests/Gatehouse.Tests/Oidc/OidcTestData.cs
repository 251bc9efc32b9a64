using System.Net;
using System.Text.RegularExpressions;
using Gatehouse.Audit;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Tests.Providers.ProviderTestData;

namespace Gatehouse.Tests.Oidc;

/// <summary>Arrange/act helpers for HTTP-level OIDC flows against the rogue provider.</summary>
internal static partial class OidcTestData
{
    public const string RogueUser = "rogue.user";

    /// <summary>A generic OIDC provider at the rogue IdP whose client_id selects the rogue's scenario, and its SSO user.</summary>
    public static async Task<(long Id, string ClientId)> RogueProviderAsync(OidcFixture f, TestSite site, string scenario,
        string secret = "good-secret", object? extra = null, bool withUser = true)
    {
        using var api = site.AdminApi();
        var clientId = $"{scenario}.{Guid.NewGuid():N}";
        var body = new Dictionary<string, object?>
        {
            ["provider"] = "oidc", ["label"] = $"Rogue {scenario} {clientId[^6..]}", ["oidc_issuer_url"] = f.Rogue.Issuer,
            ["client_id"] = clientId, ["client_secret"] = secret,
        };
        if (extra is not null) foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        var id = await CreateAsync(api, body);
        if (withUser) await CreateUserAsync(api, RogueUser, new { authentication_method = "sso", sso_strategy_id = id });
        return (id, clientId);
    }

    /// <summary>GET login_url → the authorization request URL at the IdP.</summary>
    public static async Task<Uri> StartAsync(HttpClient browser, long strategyId)
    {
        var r = await browser.GetAsync($"/sso/{strategyId}/login");
        Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"login_url answered {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        return r.Headers.Location!;
    }

    /// <summary>The rogue IdP's answer to an authorization request: the callback URL (query) or its auto-post form (form_post).</summary>
    public static async Task<(string Path, Dictionary<string, string>? Form)> AuthorizeAsync(Uri authorizationRequest)
    {
        using var c = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        var r = await c.GetAsync(authorizationRequest);
        if (r.StatusCode == HttpStatusCode.Found) return (r.Headers.Location!.PathAndQuery, null);
        var html = await r.Content.ReadAsStringAsync();
        var action = new Uri(FormAction().Match(html).Groups[1].Value);
        var form = HiddenInput().Matches(html).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        return (action.PathAndQuery, form);
    }

    /// <summary>Delivers the authorization response to Gatehouse as the browser would.</summary>
    public static Task<HttpResponseMessage> CallbackAsync(HttpClient browser, (string Path, Dictionary<string, string>? Form) response) =>
        response.Form is null ? browser.GetAsync(response.Path) : browser.PostAsync(response.Path, new FormUrlEncodedContent(response.Form));

    /// <summary>The whole flow up to Gatehouse's answer to the callback.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, long strategyId) =>
        await CallbackAsync(browser, await AuthorizeAsync(await StartAsync(browser, strategyId)));

    public static void AssertAccepted(HttpResponseMessage r, string because = "")
    {
        var body = r.Content.ReadAsStringAsync().Result;
        Assert.True(r.StatusCode == HttpStatusCode.Redirect && r.Headers.Location?.OriginalString is "/sso/authorize" or "/",
            $"expected the sign-in to be accepted {because}, got {(int)r.StatusCode} {r.Headers.Location}: {body}");
    }

    public static async Task<string> AssertRefusedAsync(HttpResponseMessage r, int status = 0)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode != HttpStatusCode.Redirect, $"expected a refusal, got a redirect to {r.Headers.Location}");
        if (status != 0) Assert.Equal(status, (int)r.StatusCode);
        Assert.Contains("Reference:", body);
        Assert.DoesNotContain("gh_session", string.Join(";", r.Headers.TryGetValues("Set-Cookie", out var c) ? c : []));
        return body;
    }

    public static async Task<SsoEvent> LastEventAsync(GatehouseServer server, TestSite site, long strategyId)
    {
        await using var scope = server.SiteScope(site.Id, out var db);
        return await db.SsoEvents.Where(e => e.SsoStrategyId == strategyId).OrderByDescending(e => e.Id).FirstAsync();
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
