using System.Text.RegularExpressions;
using Gatehouse.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.Tests.Pages;

/// <summary>The signed-in shell in a real Chromium: sign-in form, search box, user form, API key shown once.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserTests(GatehouseServer server, BrowserFixture browser)
{
    private static async Task SignInAsync(IPage page, TestSite site, string? username = null, string? password = null)
    {
        await page.GotoAsync(site.BaseUrl + "/login");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(username ?? site.AdminUsername);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password ?? site.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsMessage()
    {
        var site = await server.CreateSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        await SignInAsync(page, site, password: "definitely-wrong-1");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Invalid username or password.");
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
    }

    [Fact]
    public async Task SignIn_RightPassword_LandsOnUsersPage()
    {
        var site = await server.CreateSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        await SignInAsync(page, site);

        await Expect(page).ToHaveURLAsync(new Regex("/admin/users$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SearchBox_TypingPageNames_OffersLinksThatNavigate()
    {
        var site = await server.CreateSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, site);
        await page.GotoAsync(site.BaseUrl + "/account");
        var search = page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" });

        await search.FillAsync("Users");
        await page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/users$"));

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("SSH");
        var ssh = page.GetByRole(AriaRole.Link, new() { Name = "SSH Keys", Exact = true });
        await Expect(ssh).ToBeVisibleAsync();
        await ssh.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/ssh-keys$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "SSH Keys" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SearchBox_TextTypedBeforeTheScriptLoads_StillGetsSuggestions()
    {
        var site = await server.CreateSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, site);
        // Hold the deferred search script back until the box already has text, as on a slow link.
        var typed = new TaskCompletionSource();
        await page.RouteAsync("**/assets/search.js", async route =>
        {
            await typed.Task;
            await route.ContinueAsync();
        });
        await page.GotoAsync(site.BaseUrl + "/account", new() { WaitUntil = WaitUntilState.Commit });

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("SSH");
        typed.SetResult();

        await page.GetByRole(AriaRole.Link, new() { Name = "SSH Keys", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/ssh-keys$"));
    }

    [Theory]
    [InlineData("Groups", "/admin/groups")]
    [InlineData("API Keys", "/admin/api-keys")]
    [InlineData("Sessions", "/admin/sessions")]
    [InlineData("SSO Events", "/admin/sso-events")]
    [InlineData("My account", "/account")]
    public async Task SearchBox_EveryPageName_IsFoundOnce(string name, string path)
    {
        var site = await server.CreateSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, site);

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync(name);
        var link = page.GetByRole(AriaRole.Link, new() { Name = name });

        await Expect(link).ToHaveCountAsync(1);
        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(path) + "$"));
    }

    [Fact]
    public async Task NewUserForm_ValidInput_ShowsUserWithPasswordMethod()
    {
        var site = await server.CreateSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, site);
        var form = page.Locator("#new-user");

        await form.GetByLabel("Username", new() { Exact = true }).FillAsync("carol");
        await form.GetByLabel("Name", new() { Exact = true }).FillAsync("Carol Jones");
        await form.GetByLabel("Email", new() { Exact = true }).FillAsync("carol@example.com");
        await form.GetByLabel("Authentication method").SelectOptionAsync(new SelectOptionValue { Label = "Password" });
        await form.GetByLabel("Password", new() { Exact = true }).FillAsync("Wide-Harbour-5190");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("User carol created.");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "carol", Exact = true }) });
        await Expect(row).ToHaveCountAsync(1);
        var methodColumn = await page.GetByRole(AriaRole.Columnheader).AllInnerTextsAsync();
        var index = methodColumn.ToList().IndexOf("Authentication Method");
        Assert.True(index >= 0, "no Authentication Method column");
        await Expect(row.GetByRole(AriaRole.Cell).Nth(index)).ToHaveTextAsync("Password");
    }

    [Fact]
    public async Task NewUserForm_BadEmail_ShowsFieldMessage()
    {
        var site = await server.CreateSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, site);
        var form = page.Locator("#new-user");

        await form.GetByLabel("Username", new() { Exact = true }).FillAsync("dave");
        await form.GetByLabel("Email", new() { Exact = true }).FillAsync("dave-at-example");
        await form.GetByLabel("Password", new() { Exact = true }).FillAsync("Wide-Harbour-5190");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();

        var email = page.Locator("#new-user").GetByLabel("Email", new() { Exact = true });
        await Expect(email).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#email-error")).ToHaveTextAsync("Email is not a valid email address.");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "dave", Exact = true })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task MyAccount_CreateApiKey_ShowsItOnce()
    {
        var site = await server.CreateSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, site);
        await page.GotoAsync(site.BaseUrl + "/account");

        await page.GetByLabel("Key name").FillAsync("CI deploys");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();

        var keyBox = page.GetByRole(AriaRole.Textbox, new() { Name = "New API key" });
        await Expect(keyBox).ToHaveValueAsync(new Regex("^gh_"));
        var key = await keyBox.InputValueAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy" })).ToBeVisibleAsync();
        await page.GotoAsync(site.BaseUrl + "/account");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "New API key" })).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await page.ContentAsync());
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "CI deploys", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText(key[..9])).ToBeVisibleAsync();
    }

    [Fact]
    public async Task MyAccount_BadSshKey_ShowsMessage()
    {
        var site = await server.CreateSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, site);
        await page.GotoAsync(site.BaseUrl + "/account");

        await page.GetByLabel("Public key").FillAsync("ssh-ed25519 not-base64!!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add SSH key" }).ClickAsync();

        await Expect(page.Locator("#public_key-error")).ToHaveTextAsync("Public key has invalid base64 key data.");
    }
}
