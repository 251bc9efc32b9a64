using System.Net;
using Gatehouse.Audit;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Tests.Pages;

[Collection(ServerCollection.Name)]
public sealed class SessionsPageTests(GatehouseServer server)
{
    [Fact]
    public async Task EndSession_OtherUsersSession_TheirNextRequestGoesToLogin()
    {
        var site = await server.CreateSiteAsync();
        var bob = await site.CreateUserAsync("bob");
        using var bobBrowser = await site.UserBrowser("bob");
        Assert.Equal(HttpStatusCode.OK, (await bobBrowser.GetAsync("/account")).StatusCode);
        using var browser = await site.AdminBrowser();
        long sessionId;
        await using (var scope = server.SiteScope(site.Id, out var db))
            sessionId = await db.Sessions.Where(s => s.UserId == bob && s.RevokedAt == null).Select(s => s.Id).SingleAsync();
        Assert.Contains(">bob</a>", await browser.GetStringAsync("/admin/sessions"));

        var response = await browser.PostForm("/admin/sessions?handler=End", new() { ["id"] = sessionId.ToString() }, tokenFrom: "/admin/sessions");

        Assert.Equal("/admin/sessions", response.Headers.Location!.OriginalString);
        var after = await bobBrowser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/login?return_to=%2Faccount", after.Headers.Location!.OriginalString);
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            var e = await db.SsoEvents.OrderByDescending(x => x.Id).FirstAsync();
            Assert.Equal(SsoEventTypes.SessionRevoked, e.EventType);
            Assert.Equal(bob, e.UserId);
        }
    }

    [Fact]
    public async Task EndAllSessions_FromUserPage_EndsEveryOneAndReturns()
    {
        var site = await server.CreateSiteAsync();
        var bob = await site.CreateUserAsync("bob");
        using var first = await site.UserBrowser("bob");
        using var second = await site.UserBrowser("bob");
        using var browser = await site.AdminBrowser();
        var path = $"/admin/users/{bob}";

        var response = await browser.PostForm("/admin/sessions?handler=EndAll", new() { ["user_id"] = bob.ToString(), ["return_to"] = path }, tokenFrom: path);

        Assert.Equal(path, response.Headers.Location!.OriginalString);
        Assert.Contains("2 session(s) of bob ended.", await browser.GetStringAsync(path));
        Assert.Equal(HttpStatusCode.Redirect, (await first.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task EndSession_OtherSitesSession_IsNotTouched()
    {
        var site = await server.CreateSiteAsync();
        var other = await server.CreateSiteAsync();
        using var otherBrowser = await other.AdminBrowser();
        long otherSession;
        await using (var scope = server.SiteScope(other.Id, out var db))
            otherSession = await db.Sessions.Where(s => s.RevokedAt == null).Select(s => s.Id).FirstAsync();
        using var browser = await site.AdminBrowser();

        await browser.PostForm("/admin/sessions?handler=End", new() { ["id"] = otherSession.ToString() }, tokenFrom: "/admin/sessions");

        Assert.Equal(HttpStatusCode.OK, (await otherBrowser.GetAsync("/account")).StatusCode);
        Assert.Contains("That session does not exist on this site.", await browser.GetStringAsync("/admin/sessions"));
    }
}
