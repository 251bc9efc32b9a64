using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Accounts.AccountsTestData;

namespace Gatehouse.Tests.Accounts;

[Collection(ServerCollection.Name)]
public sealed class GroupUsersApiTests(GatehouseServer server)
{
    private static async Task<long> GroupAsync(HttpClient admin, string name, string userIds = "") =>
        (long)(await (await admin.PostJson(Rest + "/groups", new { name, user_ids = userIds })).Json())["id"]!;

    [Fact]
    public async Task Create_AddsMember_WithGroupAndUserNames()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");
        var groupId = await GroupAsync(admin, "Ops");

        var response = await admin.PostJson(Rest + "/group_users", new { group_id = groupId, user_id = alice, admin = true });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var m = await response.Json();
        Assert.Equal(groupId, (long)m["group_id"]!);
        Assert.Equal("Ops", (string?)m["group_name"]);
        Assert.Equal(alice, (long)m["user_id"]!);
        Assert.Equal("alice", (string?)m["username"]);
        Assert.True((bool)m["admin"]!);
        Assert.Equal("alice", (string?)m["usernames"]);
    }

    [Fact]
    public async Task Create_Twice_Is422()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");
        var groupId = await GroupAsync(admin, "Ops", $"{alice}");

        var response = await admin.PostJson(Rest + "/group_users", new { group_id = groupId, user_id = alice });

        await response.AssertError(422, "processing-failure/");
    }

    [Fact]
    public async Task Create_UnknownGroupOrUser_Is422()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();

        var response = await admin.PostJson(Rest + "/group_users", new { group_id = 999999, user_id = 999998 });

        var error = await response.AssertError(422, "processing-failure/");
        Assert.NotNull(error["model-errors"]!["group_id"]);
        Assert.NotNull(error["model-errors"]!["user_id"]);
    }

    [Fact]
    public async Task List_FiltersByGroupAndByUser()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");
        var bob = await CreateUserAsync(admin, "bob");
        var ops = await GroupAsync(admin, "Ops", $"{alice},{bob}");
        await GroupAsync(admin, "Dev", $"{alice}");

        var byGroup = (await (await admin.GetAsync($"{Rest}/group_users?group_id={ops}")).Json()).AsArray();
        var byUser = (await (await admin.GetAsync($"{Rest}/group_users?user_id={alice}")).Json()).AsArray();

        Assert.Equal(2, byGroup.Count);
        Assert.Equal(2, byUser.Count);
        Assert.All(byUser, m => Assert.Equal(alice, (long)m!["user_id"]!));
    }

    [Fact]
    public async Task Update_Admin_TogglesGroupAdmin()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");
        var groupId = await GroupAsync(admin, "Ops");
        var id = (long)(await (await admin.PostJson(Rest + "/group_users", new { group_id = groupId, user_id = alice })).Json())["id"]!;

        var updated = await (await admin.PatchJson($"{Rest}/group_users/{id}", new { admin = true, group_id = groupId, user_id = alice })).Json();

        Assert.True((bool)updated["admin"]!);
        Assert.Equal($"{alice}", (string?)(await (await admin.GetAsync($"{Rest}/groups/{groupId}")).Json())["admin_ids"]);
    }

    [Fact]
    public async Task Delete_ById_RemovesMembership()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");
        var groupId = await GroupAsync(admin, "Ops");
        var id = (long)(await (await admin.PostJson(Rest + "/group_users", new { group_id = groupId, user_id = alice })).Json())["id"]!;

        var delete = await admin.SendRaw(HttpMethod.Delete, $"{Rest}/group_users/{id}", $"{{\"id\":{id},\"group_id\":{groupId},\"user_id\":{alice}}}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal("", (string?)(await (await admin.GetAsync($"{Rest}/groups/{groupId}")).Json())["user_ids"]);
    }

    [Fact]
    public async Task Delete_ByGroupAndUserInBody_RemovesMembership()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var alice = await CreateUserAsync(admin, "alice");
        var groupId = await GroupAsync(admin, "Ops", $"{alice}");

        var delete = await admin.SendRaw(HttpMethod.Delete, Rest + "/group_users", $"{{\"group_id\":{groupId},\"user_id\":{alice}}}");
        var again = await admin.SendRaw(HttpMethod.Delete, Rest + "/group_users", $"{{\"group_id\":{groupId},\"user_id\":{alice}}}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await again.AssertError(404, "not-found/group-user-not-found");
    }

    [Fact]
    public async Task NonAdmin_List_Is403()
    {
        var site = await server.CreateSiteAsync();
        var (_, user) = await PlainUserAsync(site);
        using var _ = user;

        var response = await user.GetAsync(Rest + "/group_users");

        await response.AssertError(403, "not-authorized/site-admin-required");
    }
}
