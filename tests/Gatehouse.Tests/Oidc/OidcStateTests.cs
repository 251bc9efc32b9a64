using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Oidc.OidcTestData;

namespace Gatehouse.Tests.Oidc;

/// <summary>state, code and browser binding: single use, per provider, per browser (catalogue §3.2 login CSRF, replay, mix-up).</summary>
[Collection(OidcCollection.Name)]
public sealed class OidcStateTests(OidcFixture f)
{
    private GatehouseServer Server => f.Server;

    [Fact]
    public async Task Callback_SameResponseTwice_SecondIsRefused()
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok");
        using var browser = site.Anonymous();
        var response = await AuthorizeAsync(await StartAsync(browser, id));
        AssertAccepted(await CallbackAsync(browser, response));

        var again = await CallbackAsync(browser, response);

        await AssertRefusedAsync(again, 400);
        Assert.Equal("state_invalid", (await LastEventAsync(Server, site, id)).Reason);
    }

    [Fact]
    public async Task Callback_UnknownOrMissingState_IsRefused()
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok");
        using var browser = site.Anonymous();
        var response = await AuthorizeAsync(await StartAsync(browser, id));

        await AssertRefusedAsync(await browser.GetAsync(response.Path.Replace("state=", "state=x")), 400);
        await AssertRefusedAsync(await browser.GetAsync($"/oidc/{id}/callback?code=abc"), 400);
        // Positive control: the untouched response still works (a refused attempt did not use the state up).
        AssertAccepted(await CallbackAsync(browser, response));
    }

    [Fact]
    public async Task Callback_CodeReplayedWithFreshState_IsRefused()
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok");
        using var browser = site.Anonymous();
        var first = await AuthorizeAsync(await StartAsync(browser, id));
        AssertAccepted(await CallbackAsync(browser, first));
        var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + first.Path).Query)["code"].ToString();
        var second = await AuthorizeAsync(await StartAsync(browser, id));

        var replayed = await browser.GetAsync(ReplaceQuery(second.Path, "code", code));

        await AssertRefusedAsync(replayed, 400);
        Assert.Equal("code_replayed", (await LastEventAsync(Server, site, id)).Reason);
    }

    [Fact]
    public async Task Callback_StateOfAnotherProvider_IsRefused()
    {
        var site = await Server.CreateSiteAsync();
        var (a, _) = await RogueProviderAsync(f, site, "ok");
        var (b, _) = await RogueProviderAsync(f, site, "ok", withUser: false);
        using var browser = site.Anonymous();
        var responseForA = await AuthorizeAsync(await StartAsync(browser, a));

        var atB = await browser.GetAsync(responseForA.Path.Replace($"/oidc/{a}/", $"/oidc/{b}/"));

        await AssertRefusedAsync(atB, 400);
        Assert.Equal("state_provider_mismatch", (await LastEventAsync(Server, site, b)).Reason);
    }

    [Fact]
    public async Task Callback_InAnotherBrowser_IsRefused_LoginCsrf()
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok");
        using var attacker = site.Anonymous();
        using var victim = site.Anonymous();
        var attackersResponse = await AuthorizeAsync(await StartAsync(attacker, id));

        var inVictim = await CallbackAsync(victim, attackersResponse);

        await AssertRefusedAsync(inVictim, 400);
        Assert.Equal("state_browser_mismatch", (await LastEventAsync(Server, site, id)).Reason);
    }

    [Fact]
    public async Task Callback_StateOfAnotherSite_IsRefused()
    {
        var siteA = await Server.CreateSiteAsync();
        var siteB = await Server.CreateSiteAsync();
        var (a, _) = await RogueProviderAsync(f, siteA, "ok");
        var (b, _) = await RogueProviderAsync(f, siteB, "ok");
        using var browserA = siteA.Anonymous();
        using var browserB = siteB.Anonymous();
        var responseForA = await AuthorizeAsync(await StartAsync(browserA, a));

        var atSiteB = await browserB.GetAsync(responseForA.Path.Replace($"/oidc/{a}/", $"/oidc/{b}/"));

        await AssertRefusedAsync(atSiteB, 400);
        Assert.Equal("state_invalid", (await LastEventAsync(Server, siteB, b)).Reason);
    }

    [Fact]
    public async Task FirstSignIn_Authorize_ThenSecondSignInGoesStraightIn()
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok", extra: null);
        using var browser = site.Anonymous();
        var first = await SignInAsync(browser, id);
        Assert.Equal("/sso/authorize", first.Headers.Location!.OriginalString);

        var authorized = await browser.PostForm("/sso/authorize", new());
        Assert.Equal(HttpStatusCode.Redirect, authorized.StatusCode);
        var me = await (await browser.GetAsync(HttpExtensions.Api + "/me")).Json();
        Assert.Equal(RogueUser, (string)me["username"]!);

        using var later = site.Anonymous();
        var second = await SignInAsync(later, id);
        Assert.Equal("/", second.Headers.Location!.OriginalString);
        Assert.Equal("success", (await LastEventAsync(Server, site, id)).Status);
    }

    private static string ReplaceQuery(string pathAndQuery, string name, string value)
    {
        var uri = new Uri("http://x" + pathAndQuery);
        var q = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).ToDictionary(k => k.Key, k => (string?)k.Value.ToString());
        q[name] = value;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(uri.AbsolutePath, q);
    }
}
