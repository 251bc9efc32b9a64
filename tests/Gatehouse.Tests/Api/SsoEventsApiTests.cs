using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Accounts.AccountsTestData;

namespace Gatehouse.Tests.Api;

[Collection(ServerCollection.Name)]
public sealed class SsoEventsApiTests(GatehouseServer server)
{
    /// <summary>
    /// Three password sign-ins, oldest first: two failures, then a success. Written straight to the audit trail
    /// (from a documentation address) because real failed sign-ins from 127.0.0.1 count against the per-IP
    /// throttle that every test on this server shares.
    /// </summary>
    private async Task SignInsAsync(TestSite site)
    {
        await using var scope = server.SiteScope(site.Id, out var db);
        var now = DateTime.UtcNow;
        var i = 0;
        foreach (var ok in new[] { false, false, true })
            db.SsoEvents.Add(new Gatehouse.Audit.SsoEvent
            {
                CreatedAt = now.AddSeconds(i++), EventType = "Password Login", Status = ok ? "success" : "failure",
                Reason = ok ? null : "invalid_password", Message = ok ? null : "Invalid username or password.",
                UserId = site.AdminUserId, Username = site.AdminUsername, Interface = "restapi", Ip = "192.0.2.10",
            });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task List_IsNewestFirst_WithFailureErrors()
    {
        var site = await server.CreateSiteAsync();
        await SignInsAsync(site);
        using var admin = site.AdminApi();

        var events = (await (await admin.GetAsync(Rest + "/sso_events?filter[event_type]=Password Login")).Json()).AsArray();

        Assert.Equal(3, events.Count);
        Assert.Equal(["success", "failure", "failure"], events.Select(e => (string?)e!["status"]));
        Assert.True((long)events[0]!["id"]! > (long)events[1]!["id"]!);
        Assert.Empty(events[0]!["event_errors"]!.AsArray());
        Assert.Single(events[1]!["event_errors"]!.AsArray());
        Assert.Equal("admin", (string?)events[1]!["username"]);
        Assert.NotNull((string?)events[1]!["created_at"]);
    }

    [Fact]
    public async Task List_PerPage_FollowsCursorDownwards()
    {
        var site = await server.CreateSiteAsync();
        await SignInsAsync(site);
        using var admin = site.AdminApi();

        var first = await admin.GetAsync(Rest + "/sso_events?per_page=2&filter[event_type]=Password Login");
        var second = await admin.GetAsync($"{Rest}/sso_events?per_page=2&filter[event_type]=Password Login&cursor={first.Headers.GetValues("X-Files-Cursor").Single()}");

        var ids = (await first.Json()).AsArray().Concat((await second.Json()).AsArray()).Select(e => (long)e!["id"]!).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids.OrderByDescending(i => i), ids);
    }

    [Theory]
    [InlineData("filter[status]=failure", 2)]
    [InlineData("filter[status]=success", 1)]
    [InlineData("filter[username]=ADMIN", 3)]
    [InlineData("filter[username]=nobody", 0)]
    public async Task List_Filters_Narrow(string filter, int expected)
    {
        var site = await server.CreateSiteAsync();
        await SignInsAsync(site);
        using var admin = site.AdminApi();

        var events = (await (await admin.GetAsync($"{Rest}/sso_events?filter[event_type]=Password Login&{filter}")).Json()).AsArray();

        Assert.Equal(expected, events.Count);
    }

    [Fact]
    public async Task List_FilterByUserId_Narrows()
    {
        var site = await server.CreateSiteAsync();
        await SignInsAsync(site);
        using var admin = site.AdminApi();

        var mine = (await (await admin.GetAsync($"{Rest}/sso_events?filter[user_id]={site.AdminUserId}")).Json()).AsArray();
        var none = (await (await admin.GetAsync($"{Rest}/sso_events?filter[user_id]=999999")).Json()).AsArray();

        Assert.NotEmpty(mine);
        Assert.All(mine, e => Assert.Equal(site.AdminUserId, (long?)e!["user_id"]));
        Assert.Empty(none);
    }

    [Fact]
    public async Task Show_ReturnsOneEvent()
    {
        var site = await server.CreateSiteAsync();
        await SignInsAsync(site);
        using var admin = site.AdminApi();
        var id = (long)(await (await admin.GetAsync(Rest + "/sso_events?per_page=1")).Json())[0]!["id"]!;

        var e = await (await admin.GetAsync($"{Rest}/sso_events/{id}")).Json();

        Assert.Equal(id, (long)e["id"]!);
        await (await admin.GetAsync($"{Rest}/sso_events/999999")).AssertError(404, "not-found/sso-event-not-found");
    }

    [Fact]
    public async Task NonAdmin_List_Is403()
    {
        var site = await server.CreateSiteAsync();
        var (_, user) = await PlainUserAsync(site);
        using var _ = user;

        await (await user.GetAsync(Rest + "/sso_events")).AssertError(403, "not-authorized/site-admin-required");
    }

    [Fact]
    public async Task ApiKeyCreation_IsAudited()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        await admin.PostJson(Rest + "/api_keys", new { name = "audited" });

        var events = (await (await admin.GetAsync(Rest + "/sso_events?filter[event_type]=Account Change")).Json()).AsArray();

        Assert.Contains(events, e => (string?)e!["reason"] == "api_key_created" && ((string?)e["message"])!.Contains("audited"));
    }
}
