using System.Net;
using Gatehouse.Accounts;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Tests.Pages;

[Collection(ServerCollection.Name)]
public sealed class UsersPageTests(GatehouseServer server)
{
    private static Dictionary<string, string> NewUser(string username, string email = "", string password = PageTestData.UserPassword) => new()
    {
        ["username"] = username, ["name"] = "New Person", ["email"] = email, ["company"] = "",
        ["site_admin"] = "false", ["authentication_method"] = "password", ["password"] = password,
    };

    [Fact]
    public async Task CreateUser_ValidForm_ListsUserWithPasswordMethod()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var response = await browser.PostForm("/admin/users?handler=Create", NewUser("carol", "carol@example.com"), tokenFrom: "/admin/users");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/admin/users"));
        Assert.Contains("User carol created.", html);
        Assert.Matches(@"<td><a href=""/admin/users/\d+"">carol</a></td>\s*<td>New Person</td>\s*<td>carol@example.com</td>\s*<td>No</td>\s*<td>Password</td>\s*<td>Active</td>", html);
    }

    [Fact]
    public async Task CreateUser_BadEmail_ShowsMessageAndCreatesNothing()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var response = await browser.PostForm("/admin/users?handler=Create", NewUser("dave", "not-an-email"), tokenFrom: "/admin/users");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Html();
        Assert.Contains("Email is not a valid email address.", html);
        Assert.Contains("value=\"dave\"", html); // what was typed stays
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.False(await db.Users.AnyAsync(u => u.UsernameNormalized == "dave"));
    }

    [Theory]
    [InlineData("", "Username is required.")]
    [InlineData("admin", "Username is already taken on this site.")]
    [InlineData("bad/name", "Username must not contain")]
    public async Task CreateUser_BadUsername_ShowsFieldMessage(string username, string message)
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var response = await browser.PostForm("/admin/users?handler=Create", NewUser(username), tokenFrom: "/admin/users");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(message, await response.Html());
    }

    [Fact]
    public async Task CreateUser_PasswordMethodWithoutPassword_IsRefused()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var response = await browser.PostForm("/admin/users?handler=Create", NewUser("erin", password: ""), tokenFrom: "/admin/users");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Password is required for the Password authentication method.", await response.Html());
    }

    [Fact]
    public async Task CreateUser_CommonPassword_ShowsPolicyMessage()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var response = await browser.PostForm("/admin/users?handler=Create", NewUser("frank", password: "password123"), tokenFrom: "/admin/users");

        Assert.Contains("Password is too common", await response.Html());
    }

    [Fact]
    public async Task UsersList_Filter_ShowsOnlyMatches()
    {
        var site = await server.CreateSiteAsync();
        await site.CreateUserAsync("zoe-filtered");
        await site.CreateUserAsync("yann");
        using var browser = await site.AdminBrowser();

        var html = await browser.GetStringAsync("/admin/users?q=ZOE");

        Assert.Contains(">zoe-filtered</a>", html);
        Assert.DoesNotContain(">yann</a>", html);
    }

    [Fact]
    public async Task UsersList_ManyUsers_PagesWithNextLink()
    {
        var site = await server.CreateSiteAsync();
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            for (var i = 0; i < 60; i++)
                db.Users.Add(new User { Username = $"bulk{i:D3}", UsernameNormalized = $"bulk{i:D3}", AuthenticationMethod = AuthenticationMethods.None });
            await db.SaveChangesAsync();
        }
        using var browser = await site.AdminBrowser();

        var first = await browser.GetStringAsync("/admin/users?q=bulk");
        var next = System.Text.RegularExpressions.Regex.Match(first, "href=\"([^\"]+)\" rel=\"next\"").Groups[1].Value;
        var second = await browser.GetStringAsync(WebUtility.HtmlDecode(next));

        Assert.Contains(">bulk049</a>", first);
        Assert.DoesNotContain(">bulk050</a>", first);
        Assert.Contains(">bulk050</a>", second);
        Assert.Contains(">bulk059</a>", second);
        Assert.DoesNotContain(">bulk049</a>", second);
        Assert.DoesNotContain("rel=\"next\"", second);
    }

    [Fact]
    public async Task UsersList_HostileQuery_DoesNotFail()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var response = await browser.GetAsync("/admin/users?q=" + new string('%', 3) + "'--&after=" + new string('x', 5000) + "&sso_strategy_id=abc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
