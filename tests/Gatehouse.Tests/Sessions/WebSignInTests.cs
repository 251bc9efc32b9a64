using System.Net;
using Gatehouse.Audit;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Tests.Sessions;

[Collection(ServerCollection.Name)]
public sealed class WebSignInTests(GatehouseServer server)
{
    [Fact]
    public async Task Login_ValidPassword_StartsSessionAndRedirectsHome()
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();

        var response = await browser.SignIn(site.AdminUsername, site.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        var setCookie = string.Join(";", response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("gh_session=", setCookie);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        var me = await browser.GetAsync(HttpExtensions.Api + "/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsMessageAndRecordsFailure()
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();

        var response = await browser.SignIn(site.AdminUsername, "not-the-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Invalid username or password.", await response.Content.ReadAsStringAsync());
        await using var scope = server.SiteScope(site.Id, out var db);
        var e = await db.SsoEvents.OrderByDescending(x => x.Id).FirstAsync();
        Assert.Equal(SsoEventTypes.PasswordLogin, e.EventType);
        Assert.Equal("failure", e.Status);
        Assert.Equal("invalid_password", e.Reason);
        Assert.Equal("127.0.0.1", e.Ip);
        Assert.Equal(site.AdminUserId, e.UserId);
    }

    [Fact]
    public async Task Login_SessionId_IsRotatedAtSignIn()
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();
        await browser.SignIn(site.AdminUsername, site.AdminPassword);
        var first = CookieValue(browser, site);

        await browser.SignIn(site.AdminUsername, site.AdminPassword);
        var second = CookieValue(browser, site);

        Assert.NotEqual(first, second);
        // The replaced session is dead on the server, not just forgotten by the browser.
        using var old = site.Anonymous(cookies: false);
        old.DefaultRequestHeaders.Add("Cookie", "gh_session=" + first);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync(HttpExtensions.Api + "/me")).StatusCode);
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_IsRejected()
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();

        var response = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = site.AdminUsername, ["password"] = site.AdminPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.Contains("gh_session")));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task Login_OffSiteReturnTo_IsIgnored(string returnTo)
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();

        var response = await browser.SignIn(site.AdminUsername, site.AdminPassword, returnTo);

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_SameSiteReturnTo_IsHonoured()
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();

        var response = await browser.SignIn(site.AdminUsername, site.AdminPassword, "/account?tab=keys");

        Assert.Equal("/account?tab=keys", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Logout_EndsServerSideSession()
    {
        var site = await server.CreateSiteAsync();
        using var browser = site.Anonymous();
        await browser.SignIn(site.AdminUsername, site.AdminPassword);
        var token = CookieValue(browser, site);

        var response = await browser.PostForm("/logout", new Dictionary<string, string>(), tokenFrom: "/logout");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var replay = site.Anonymous(cookies: false);
        replay.DefaultRequestHeaders.Add("Cookie", "gh_session=" + token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync(HttpExtensions.Api + "/me")).StatusCode);
    }

    [Fact]
    public async Task UnknownSite_GetsPlain404()
    {
        using var client = server.Client("no-such-site-here");

        var response = await client.GetAsync("/login");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Site not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_AnswersOnBareIp()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    internal static string CookieValue(HttpClient client, TestSite site)
    {
        var handlerField = typeof(HttpMessageInvoker).GetField("_handler", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var handler = (SocketsHttpHandler)handlerField.GetValue(client)!;
        return handler.CookieContainer.GetCookies(new Uri(site.BaseUrl))["gh_session"]!.Value;
    }
}
