using System.Net;
using Gatehouse.Accounts;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Tests.Pages;

[Collection(ServerCollection.Name)]
public sealed class UserPageTests(GatehouseServer server)
{
    private static Dictionary<string, string> Form(string username, bool siteAdmin, string method = "password", bool disabled = false) => new()
    {
        ["username"] = username, ["name"] = "", ["email"] = "", ["company"] = "", ["site_admin"] = siteAdmin ? "true" : "false",
        ["authentication_method"] = method, ["password"] = "", ["disabled"] = disabled ? "true" : "false",
        ["dav_permission"] = "false", ["ftp_permission"] = "false", ["sftp_permission"] = "true", ["restapi_permission"] = "true",
    };

    [Fact]
    public async Task SaveUser_RemovingLastPasswordAdmin_IsRefusedWithGuardMessage()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();
        var path = $"/admin/users/{site.AdminUserId}";

        var response = await browser.PostForm(path + "?handler=Save", Form(site.AdminUsername, siteAdmin: false), tokenFrom: path);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(AdminGuard.Message, await response.Html());
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.True((await db.Users.SingleAsync(u => u.Id == site.AdminUserId)).SiteAdmin);
    }

    [Fact]
    public async Task UserPage_OnlyOnePasswordAdmin_ShowsWarning()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var html = await browser.GetStringAsync($"/admin/users/{site.AdminUserId}");

        Assert.Contains("only one enabled site administrator who signs in with a password", html);
    }

    [Fact]
    public async Task UserPage_TwoPasswordAdmins_NoWarningAndDemotionAllowed()
    {
        var site = await server.CreateSiteAsync();
        var second = await site.CreateUserAsync("second-admin", siteAdmin: true);
        using var browser = await site.AdminBrowser();
        var path = $"/admin/users/{second}";
        Assert.DoesNotContain("only one enabled site administrator", await browser.GetStringAsync(path));

        var response = await browser.PostForm(path + "?handler=Save", Form("second-admin", siteAdmin: false), tokenFrom: path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var scope = server.SiteScope(site.Id, out var db);
        var user = await db.Users.SingleAsync(u => u.Id == second);
        Assert.False(user.SiteAdmin);
        Assert.True(user.SftpPermission);
    }

    [Fact]
    public async Task SaveUser_Disable_EndsTheirSessions()
    {
        var site = await server.CreateSiteAsync();
        var bob = await site.CreateUserAsync("bob");
        using var bobBrowser = await site.UserBrowser("bob");
        using var browser = await site.AdminBrowser();
        var path = $"/admin/users/{bob}";

        var response = await browser.PostForm(path + "?handler=Save", Form("bob", siteAdmin: false, disabled: true), tokenFrom: path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await bobBrowser.GetAsync("/account")).StatusCode);
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.All(await db.Sessions.Where(s => s.UserId == bob).ToListAsync(), s => Assert.Equal("user_disabled", s.RevokedReason));
    }

    [Fact]
    public async Task SaveUser_MethodToNone_EndsSessionsAndDropsPassword()
    {
        var site = await server.CreateSiteAsync();
        var bob = await site.CreateUserAsync("bob");
        using var bobBrowser = await site.UserBrowser("bob");
        using var browser = await site.AdminBrowser();
        var path = $"/admin/users/{bob}";

        await browser.PostForm(path + "?handler=Save", Form("bob", siteAdmin: false, method: "none"), tokenFrom: path);

        var login = await bobBrowser.GetAsync("/account");
        Assert.StartsWith("/login", login.Headers.Location!.OriginalString);
        await using var scope = server.SiteScope(site.Id, out var db);
        var user = await db.Users.SingleAsync(u => u.Id == bob);
        Assert.Equal(AuthenticationMethods.None, user.AuthenticationMethod);
        Assert.Null(user.PasswordHash);
    }

    [Fact]
    public async Task SaveUser_NewPassword_LetsUserSignInWithIt()
    {
        var site = await server.CreateSiteAsync();
        var bob = await site.CreateUserAsync("bob");
        using var browser = await site.AdminBrowser();
        var path = $"/admin/users/{bob}";
        var form = Form("bob", siteAdmin: false);
        form["password"] = "Brand-New-Secret-77";

        var response = await browser.PostForm(path + "?handler=Save", form, tokenFrom: path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var bobBrowser = await site.UserBrowser("bob", "Brand-New-Secret-77");
    }

    [Fact]
    public async Task Unlock_LockedUser_ClearsLockout()
    {
        var site = await server.CreateSiteAsync();
        var bob = await site.CreateUserAsync("bob");
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            var user = await db.Users.SingleAsync(u => u.Id == bob);
            user.LockoutExpires = DateTime.UtcNow.AddMinutes(10);
            user.FailedLoginCount = 3;
            await db.SaveChangesAsync();
        }
        using var browser = await site.AdminBrowser();
        var path = $"/admin/users/{bob}";
        Assert.Contains("Locked until", await browser.GetStringAsync("/admin/users?q=bob"));

        var response = await browser.PostForm(path + "?handler=Unlock", [], tokenFrom: path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("bob is unlocked", await browser.GetStringAsync(path));
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            var user = await db.Users.SingleAsync(u => u.Id == bob);
            Assert.Null(user.LockoutExpires);
            Assert.Equal(0, user.FailedLoginCount);
        }
        using var bobBrowser = await site.UserBrowser("bob");
    }

    [Fact]
    public async Task DeleteUser_AfterConfirmation_RemovesUser()
    {
        var site = await server.CreateSiteAsync();
        var bob = await site.CreateUserAsync("bob");
        using var browser = await site.AdminBrowser();
        var path = $"/admin/users/{bob}";
        Assert.Contains("Yes, delete bob", await browser.GetStringAsync(path + "?confirm=delete"));

        var response = await browser.PostForm(path + "?handler=Delete", [], tokenFrom: path);

        Assert.Equal("/admin/users", response.Headers.Location!.OriginalString);
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.False(await db.Users.AnyAsync(u => u.Id == bob));
    }

    [Fact]
    public async Task DeleteUser_Self_IsRefused()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();
        var path = $"/admin/users/{site.AdminUserId}";

        await browser.PostForm(path + "?handler=Delete", [], tokenFrom: path);

        Assert.Contains("You cannot delete your own account", await browser.GetStringAsync(path));
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.True(await db.Users.AnyAsync(u => u.Id == site.AdminUserId));
    }

    [Fact]
    public async Task UserPage_OtherSitesUser_Is404()
    {
        var site = await server.CreateSiteAsync();
        var other = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var response = await browser.GetAsync($"/admin/users/{other.AdminUserId}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task UserPage_ListsKeysAndSessions_AndDeletesApiKey()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();
        var path = $"/admin/users/{site.AdminUserId}";
        var html = await browser.GetStringAsync(path);
        Assert.Contains("End all sessions", html);
        long keyId;
        await using (var scope = server.SiteScope(site.Id, out var db))
            keyId = await db.ApiKeys.Where(k => k.UserId == site.AdminUserId).Select(k => k.Id).FirstAsync();

        var response = await browser.PostForm("/admin/api-keys?handler=Delete", new() { ["id"] = keyId.ToString(), ["return_to"] = path }, tokenFrom: path);

        Assert.Equal(path, response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await site.AdminApi().GetAsync(HttpExtensions.Api + "/me")).StatusCode);
    }

    [Fact]
    public async Task KeyDelete_OffSiteReturnTo_GoesToListInstead()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var response = await browser.PostForm("/admin/ssh-keys?handler=Delete", new() { ["id"] = "999999", ["return_to"] = "//evil.example/" }, tokenFrom: "/admin/ssh-keys");

        Assert.Equal("/admin/ssh-keys", response.Headers.Location!.OriginalString);
        Assert.Contains("That SSH key does not exist on this site.", await browser.GetStringAsync("/admin/ssh-keys"));
    }
}
