using System.Net;
using System.Text.RegularExpressions;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Tests.Pages;

[Collection(ServerCollection.Name)]
public sealed partial class AccountPageTests(GatehouseServer server)
{
    [Fact]
    public async Task CreateApiKey_ShowsKeyOnceAndItWorks()
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        using var browser = await site.UserBrowser("bob");

        var response = await browser.PostForm("/account?handler=CreateApiKey", new() { ["name"] = "laptop sync", ["expires_at"] = "" }, tokenFrom: "/account");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var key = KeyRegex().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.StartsWith("gh_", key);
        var later = await browser.GetStringAsync("/account");
        Assert.DoesNotContain(key, later);
        Assert.Contains(key[..9], later); // the label stays
        using var api = site.Anonymous(cookies: false);
        api.DefaultRequestHeaders.Add("X-FilesAPI-Key", key);
        var me = await (await api.GetAsync(HttpExtensions.Api + "/me")).Json();
        Assert.Equal("bob", (string?)me["username"]);
    }

    [Theory]
    [InlineData("", "", "Key name is required.")]
    [InlineData("ok", "2001-01-01", "Expiry date must be a date in the future.")]
    [InlineData("ok", "tomorrow", "Expiry date must be a date like 2030-12-31.")]
    public async Task CreateApiKey_BadInput_ShowsMessageAndCreatesNothing(string name, string expires, string message)
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        using var browser = await site.UserBrowser("bob");

        var response = await browser.PostForm("/account?handler=CreateApiKey", new() { ["name"] = name, ["expires_at"] = expires }, tokenFrom: "/account");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(message, await response.Html());
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.Equal(0, await db.ApiKeys.CountAsync(k => k.User.UsernameNormalized == "bob"));
    }

    [Theory]
    [InlineData("not a key", "Public key has invalid base64 key data.")]
    [InlineData("", "Public key is empty.")]
    public async Task AddSshKey_BadKey_ShowsMessageAndAddsNothing(string key, string message)
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        using var browser = await site.UserBrowser("bob");

        var response = await browser.PostForm("/account?handler=AddSshKey", new() { ["title"] = "", ["public_key"] = key }, tokenFrom: "/account");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(message, await response.Html());
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.False(await db.PublicKeys.AnyAsync());
    }

    [Fact]
    public async Task AddSshKey_TypeMismatch_NamesBothTypes()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();
        var line = "ssh-rsa" + PageTestData.Ed25519KeyLine()["ssh-ed25519".Length..];

        var response = await browser.PostForm("/account?handler=AddSshKey", new() { ["title"] = "x", ["public_key"] = line }, tokenFrom: "/account");

        Assert.Contains("Public key declares ssh-rsa but contains a ssh-ed25519 key.", await response.Html());
    }

    [Fact]
    public async Task AddSshKey_ValidKey_IsListedWithFingerprint_AndDuplicateRefused()
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        using var browser = await site.UserBrowser("bob");
        var line = PageTestData.Ed25519KeyLine("bob@laptop");

        var response = await browser.PostForm("/account?handler=AddSshKey", new() { ["title"] = "", ["public_key"] = line }, tokenFrom: "/account");
        var again = await browser.PostForm("/account?handler=AddSshKey", new() { ["title"] = "copy", ["public_key"] = line }, tokenFrom: "/account");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var html = await browser.GetStringAsync("/account");
        Assert.Contains("bob@laptop", html);
        Assert.Contains("SHA256:", html);
        Assert.Contains("Public key is already added on this site", await again.Html());
        using var admin = await site.AdminBrowser();
        Assert.Contains("bob@laptop", await admin.GetStringAsync("/admin/ssh-keys"));
    }

    [Fact]
    public async Task DeleteSshKey_SomeoneElsesKey_IsRefused()
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        await site.CreateUserAsync("eve");
        using var bob = await site.UserBrowser("bob");
        await bob.PostForm("/account?handler=AddSshKey", new() { ["title"] = "bob key", ["public_key"] = PageTestData.Ed25519KeyLine() }, tokenFrom: "/account");
        long keyId;
        await using (var scope = server.SiteScope(site.Id, out var db))
            keyId = await db.PublicKeys.Select(k => k.Id).SingleAsync();
        using var eve = await site.UserBrowser("eve");

        await eve.PostForm("/account?handler=DeleteSshKey", new() { ["id"] = keyId.ToString() }, tokenFrom: "/account");

        Assert.Contains("That SSH key is not one of yours.", WebUtility.HtmlDecode(await eve.GetStringAsync("/account")));
        await using (var scope = server.SiteScope(site.Id, out var db))
            Assert.True(await db.PublicKeys.AnyAsync(k => k.Id == keyId));
    }

    [Fact]
    public async Task ChangePassword_WrongCurrent_IsRefused()
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        using var browser = await site.UserBrowser("bob");

        var response = await browser.PostForm("/account?handler=Password", new()
        {
            ["current_password"] = "wrong-one-here", ["new_password"] = "Another-Fine-Pass-1", ["confirm_password"] = "Another-Fine-Pass-1",
        }, tokenFrom: "/account");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Current password is not correct.", await response.Html());
    }

    [Fact]
    public async Task ChangePassword_Valid_ChangesItAndEndsOtherSessions()
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        using var other = await site.UserBrowser("bob");
        using var browser = await site.UserBrowser("bob");

        var response = await browser.PostForm("/account?handler=Password", new()
        {
            ["current_password"] = PageTestData.UserPassword, ["new_password"] = "Another-Fine-Pass-1", ["confirm_password"] = "Another-Fine-Pass-1",
        }, tokenFrom: "/account");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/account")).StatusCode);
        using var again = await site.UserBrowser("bob", "Another-Fine-Pass-1");
    }

    [Fact]
    public async Task ChangePassword_TooShort_ShowsPolicyMessage()
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        using var browser = await site.UserBrowser("bob");

        var response = await browser.PostForm("/account?handler=Password", new()
        {
            ["current_password"] = PageTestData.UserPassword, ["new_password"] = "short", ["confirm_password"] = "short",
        }, tokenFrom: "/account");

        Assert.Contains("New password must be at least 10 characters", await response.Html());
    }

    [Fact]
    public async Task AccountPage_NonAdmin_SeesProfileWithoutAdminLinks()
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("bob");
        using var browser = await site.UserBrowser("bob");

        var html = await browser.GetStringAsync("/account");

        Assert.Contains("<dd>bob</dd>", html);
        Assert.Contains("<dd>Password</dd>", html);
        Assert.DoesNotContain("href=\"/admin/users\"", html);
        Assert.DoesNotContain("/admin/users", ExtractSearchIndex(html));
    }

    private static string ExtractSearchIndex(string html) =>
        Regex.Match(html, "<script type=\"application/json\" id=\"search-index\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;

    [GeneratedRegex("id=\"new-api-key\" type=\"text\" readonly value=\"([^\"]+)\"")]
    private static partial Regex KeyRegex();
}
