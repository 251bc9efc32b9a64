using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Accounts.AccountsTestData;

namespace Gatehouse.Tests.Accounts;

[Collection(ServerCollection.Name)]
public sealed class GroupsApiTests(GatehouseServer server)
{
    [Fact]
    public async Task Create_WithMembersAndAdmins_ReturnsCommaSeparatedLists()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");
        var bob = await CreateUserAsync(admin, "bob");

        var response = await admin.PostJson(Rest + "/groups", new { name = "Engineering", notes = "eng", user_ids = $"{alice},{bob}", admin_ids = $"{bob}" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var group = await response.Json();
        Assert.Equal("Engineering", (string?)group["name"]);
        Assert.Equal("eng", (string?)group["notes"]);
        Assert.Equal($"{alice},{bob}", (string?)group["user_ids"]);
        Assert.Equal("alice,bob", (string?)group["usernames"]);
        Assert.Equal($"{bob}", (string?)group["admin_ids"]);
        var user = await (await admin.GetAsync($"{Rest}/users/{alice}")).Json();
        Assert.Equal(group["id"]!.ToString(), (string?)user["group_ids"]);
    }

    [Fact]
    public async Task Create_UserIdsAsArray_IsAccepted()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");

        var group = await (await admin.PostJson(Rest + "/groups", new { name = "A", user_ids = new[] { alice } })).Json();

        Assert.Equal($"{alice}", (string?)group["user_ids"]);
    }

    [Theory]
    [InlineData("sales")]
    [InlineData("SALES")]
    [InlineData(" Sales ")]
    public async Task Create_DuplicateNameAnyCase_Is422(string duplicate)
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        await admin.PostJson(Rest + "/groups", new { name = "Sales" });

        var response = await admin.PostJson(Rest + "/groups", new { name = duplicate });

        var error = await response.AssertError(422, "processing-failure/resource-validation-failure");
        Assert.NotNull(error["model-errors"]!["name"]);
        Assert.Single((await (await admin.GetAsync(Rest + "/groups")).Json()).AsArray());
    }

    [Fact]
    public async Task Create_UnknownUser_Is422AndWritesNothing()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();

        var response = await admin.PostJson(Rest + "/groups", new { name = "Ghosts", user_ids = "999999" });

        var error = await response.AssertError(422, "processing-failure/");
        Assert.Contains("999999", error["model-errors"]!["user_ids"]![0]!.ToString());
        Assert.Empty((await (await admin.GetAsync(Rest + "/groups")).Json()).AsArray());
    }

    [Fact]
    public async Task Update_UserIds_ReplacesMembers()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");
        var bob = await CreateUserAsync(admin, "bob");
        var id = (long)(await (await admin.PostJson(Rest + "/groups", new { name = "G", user_ids = $"{alice}" })).Json())["id"]!;

        var response = await admin.PatchJson($"{Rest}/groups/{id}", new { name = "G2", user_ids = $"{bob}" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var group = await response.Json();
        Assert.Equal("G2", (string?)group["name"]);
        Assert.Equal($"{bob}", (string?)group["user_ids"]);
    }

    [Fact]
    public async Task Update_AdminIdsOnly_KeepsMembersAndSetsAdmins()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");
        var bob = await CreateUserAsync(admin, "bob");
        var id = (long)(await (await admin.PostJson(Rest + "/groups", new { name = "G", user_ids = $"{alice},{bob}" })).Json())["id"]!;

        var group = await (await admin.PatchJson($"{Rest}/groups/{id}", new { admin_ids = $"{alice}" })).Json();

        Assert.Equal($"{alice},{bob}", (string?)group["user_ids"]);
        Assert.Equal($"{alice}", (string?)group["admin_ids"]);
    }

    [Fact]
    public async Task Delete_RemovesGroupAndMemberships()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");
        var id = (long)(await (await admin.PostJson(Rest + "/groups", new { name = "G", user_ids = $"{alice}" })).Json())["id"]!;

        var delete = await admin.DeleteAsync($"{Rest}/groups/{id}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await (await admin.GetAsync($"{Rest}/groups/{id}")).AssertError(404, "not-found/group-not-found");
        Assert.Empty((await (await admin.GetAsync($"{Rest}/group_users?user_id={alice}")).Json()).AsArray());
    }

    [Fact]
    public async Task List_PerPage_FollowsCursor()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        for (var i = 0; i < 3; i++) await admin.PostJson(Rest + "/groups", new { name = "G" + i });

        var first = await admin.GetAsync(Rest + "/groups?per_page=2");
        var second = await admin.GetAsync($"{Rest}/groups?per_page=2&cursor={first.Headers.GetValues("X-Files-Cursor").Single()}");

        var names = (await first.Json()).AsArray().Concat((await second.Json()).AsArray()).Select(g => (string?)g!["name"]);
        Assert.Equal(["G0", "G1", "G2"], names);
    }

    [Fact]
    public async Task NonAdmin_EveryVerb_Is403()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var id = (long)(await (await admin.PostJson(Rest + "/groups", new { name = "G" })).Json())["id"]!;
        var (_, user) = await PlainUserAsync(site);
        using var _ = user;

        var responses = new[]
        {
            await user.GetAsync(Rest + "/groups"),
            await user.GetAsync($"{Rest}/groups/{id}"),
            await user.PostJson(Rest + "/groups", new { name = "mine" }),
            await user.PatchJson($"{Rest}/groups/{id}", new { name = "mine" }),
            await user.DeleteAsync($"{Rest}/groups/{id}"),
        };

        foreach (var r in responses) await r.AssertError(403, "not-authorized/site-admin-required");
    }
}
