using System.Net;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Tests.Pages;

[Collection(ServerCollection.Name)]
public sealed class GroupsPageTests(GatehouseServer server)
{
    [Fact]
    public async Task CreateGroup_AddAndRemoveMember_Works()
    {
        var site = await server.CreateSiteAsync();
        var bob = await site.CreateUserAsync("bob");
        using var browser = await site.AdminBrowser();

        var created = await browser.PostForm("/admin/groups?handler=Create", new() { ["name"] = "Finance", ["notes"] = "Quarterly close" }, tokenFrom: "/admin/groups");
        var path = created.Headers.Location!.OriginalString;
        var added = await browser.PostForm(path + "?handler=AddMember", new() { ["username"] = "BOB" }, tokenFrom: path);

        Assert.Equal(path, added.Headers.Location!.OriginalString);
        Assert.Contains(">bob</a>", await browser.GetStringAsync(path));
        Assert.Contains(">Finance</a>", await browser.GetStringAsync($"/admin/users/{bob}"));

        await browser.PostForm(path + "?handler=RemoveMember", new() { ["user_id"] = bob.ToString() }, tokenFrom: path);
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.False(await db.GroupUsers.AnyAsync());
    }

    [Fact]
    public async Task CreateGroup_DuplicateName_ShowsMessage()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();
        await browser.PostForm("/admin/groups?handler=Create", new() { ["name"] = "Finance", ["notes"] = "" }, tokenFrom: "/admin/groups");

        var response = await browser.PostForm("/admin/groups?handler=Create", new() { ["name"] = " finance ", ["notes"] = "" }, tokenFrom: "/admin/groups");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Name is already used by another group.", await response.Html());
    }

    [Fact]
    public async Task AddMember_UnknownUser_ShowsMessage()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();
        var path = (await browser.PostForm("/admin/groups?handler=Create", new() { ["name"] = "Ops", ["notes"] = "" }, tokenFrom: "/admin/groups")).Headers.Location!.OriginalString;

        var response = await browser.PostForm(path + "?handler=AddMember", new() { ["username"] = "nobody" }, tokenFrom: path);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Username does not match any user of this site.", await response.Html());
    }

    [Fact]
    public async Task RenameAndDeleteGroup_Works()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();
        var path = (await browser.PostForm("/admin/groups?handler=Create", new() { ["name"] = "Ops", ["notes"] = "" }, tokenFrom: "/admin/groups")).Headers.Location!.OriginalString;

        await browser.PostForm(path + "?handler=Save", new() { ["name"] = "Operations", ["notes"] = "24/7" }, tokenFrom: path);
        Assert.Contains("Operations", await browser.GetStringAsync("/admin/groups"));
        var deleted = await browser.PostForm(path + "?handler=Delete", [], tokenFrom: path);

        Assert.Equal("/admin/groups", deleted.Headers.Location!.OriginalString);
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.False(await db.Groups.AnyAsync());
    }
}
