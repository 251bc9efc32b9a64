using System.Net;
using System.Text.RegularExpressions;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.Tests.Ldap;

/// <summary>The LDAP provider page's Directory card in Chromium, against the real slapd: test connection, sync, approve.</summary>
[Collection(LdapCollection.Name)]
public sealed class LdapProviderPageTests(LdapFixture f, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private async Task<(IBrowserContext Context, IPage Page)> ProviderPageAsync(TestSite site, long provider)
    {
        var (context, page) = await browser.NewPageAsync();
        await page.GotoAsync(site.BaseUrl + "/login");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(site.AdminUsername);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(site.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/login"));
        await page.GotoAsync($"{site.BaseUrl}/admin/sso-providers/{provider}");
        return (context, page);
    }

    private static ILocator Step(IPage page, string step) => page.Locator($"#test-steps tr[data-step='{step}']");

    [Fact]
    public async Task TestConnection_GoodSettings_ReportsEachStepAndFindsTheUser()
    {
        var ou = f.Slapd.NewOu();
        f.Slapd.AddPerson(ou, "probe.user", "Pw-probe-1");
        var site = await f.Server.CreateSiteAsync("premier");
        var provider = await f.CreateProviderAsync(site.AdminApi(), new() { ["ldap_base_dn"] = ou });
        var (context, page) = await ProviderPageAsync(site, provider);
        await using var _ = context;

        await page.GetByLabel("Look up a username (optional)").FillAsync("probe.user");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();

        await Expect(page.Locator("#test-result")).ToContainTextAsync("Connection works");
        await Expect(Step(page, "connect")).ToHaveAttributeAsync("data-status", "ok");
        await Expect(Step(page, "bind")).ToHaveAttributeAsync("data-status", "ok");
        await Expect(Step(page, "search")).ToHaveAttributeAsync("data-status", "ok");
        await Expect(Step(page, "search")).ToContainTextAsync($"probe.user is uid=probe.user,{ou}");
    }

    [Fact]
    public async Task TestConnection_WrongServicePassword_StopsAtBindAndSaysWhatToFix()
    {
        var site = await f.Server.CreateSiteAsync("premier");
        var provider = await f.CreateProviderAsync(site.AdminApi(), new() { ["ldap_password"] = "not-the-password" });
        var (context, page) = await ProviderPageAsync(site, provider);
        await using var _ = context;

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();

        await Expect(page.Locator("#test-result")).ToContainTextAsync("Connection test failed");
        await Expect(Step(page, "connect")).ToHaveAttributeAsync("data-status", "ok");
        await Expect(Step(page, "bind")).ToHaveAttributeAsync("data-status", "failed");
        await Expect(Step(page, "bind")).ToContainTextAsync("refused the service account");
        await Expect(Step(page, "search")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task TestConnection_NothingListening_FailsAtConnectWithoutHanging()
    {
        var site = await f.Server.CreateSiteAsync("premier");
        var provider = await f.CreateProviderAsync(site.AdminApi(), new() { ["ldap_port"] = SlapdServer.FreePort() });
        var (context, page) = await ProviderPageAsync(site, provider);
        await using var _ = context;

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();

        await Expect(page.Locator("#test-result")).ToContainTextAsync("Connection test failed");
        await Expect(Step(page, "connect")).ToHaveAttributeAsync("data-status", "failed");
        await Expect(Step(page, "bind")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task SyncNow_ThenHeldRun_IsApprovedFromThePage()
    {
        var ou = f.Slapd.NewOu();
        var names = Enumerable.Range(1, 5).Select(i => $"pg{i}-{Guid.NewGuid().ToString("N")[..4]}").ToArray();
        foreach (var n in names) f.Slapd.AddPerson(ou, n, "Pw-" + n);
        f.Slapd.AddGroup(ou, "staff", names.Select(n => $"uid={n},{ou}").ToArray());
        f.Slapd.AddGroup(ou, "few", $"uid={names[0]},{ou}");
        var site = await f.Server.CreateSiteAsync("premier");
        var api = site.AdminApi();
        var provider = await f.CreateProviderAsync(api, new()
        {
            ["ldap_base_dn"] = ou, ["provision_users"] = true, ["deprovision_users"] = true, ["provision_group_inclusion"] = "staff",
        });
        var (context, page) = await ProviderPageAsync(site, provider);
        await using var _ = context;
        await Expect(page.Locator("#sync-last")).ToContainTextAsync("No sync has run yet");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("5 created");
        await Expect(page.Locator("#sync-last")).ToContainTextAsync("completed");

        // A rule that leaves almost nobody in scope: the next run is held, and the page lists who it would disable.
        Assert.Equal(HttpStatusCode.OK, (await api.PatchJson($"{HttpExtensions.Api}/sso_strategies/{provider}", new { provision_group_inclusion = "few" })).StatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();
        await Expect(page.Locator("#sync-held")).ToContainTextAsync("would disable 4 of 5 user(s)");
        await Expect(page.Locator("#sync-held")).ToContainTextAsync(names[4]);
        await using (var scope = f.Server.SiteScope(site.Id, out var db))
            Assert.Equal(0, await db.Users.CountAsync(u => u.SsoStrategyId == provider && u.Disabled));

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve and disable 4 user(s)" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("4 disabled");
        await Expect(page.Locator("#sync-held")).ToHaveCountAsync(0);
        await using (var scope = f.Server.SiteScope(site.Id, out var db))
            Assert.Equal(4, await db.Users.CountAsync(u => u.SsoStrategyId == provider && u.Disabled));
    }

    [Fact]
    public async Task DirectoryCard_OnPowerPlan_OffersTestButNotSync()
    {
        var site = await f.Server.CreateSiteAsync("power");
        var provider = await f.CreateProviderAsync(site.AdminApi());
        var (context, page) = await ProviderPageAsync(site, provider);
        await using var _ = context;

        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Test connection" })).ToBeVisibleAsync();
        await Expect(page.Locator("#sync-plan")).ToContainTextAsync("premier plan");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sync now" })).ToHaveCountAsync(0);
    }
}
