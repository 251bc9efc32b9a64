using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Accounts.AccountsTestData;

namespace Gatehouse.Tests.Accounts;

/// <summary>A user who is not a site admin sees themselves and nobody else, and changes no one.</summary>
[Collection(ServerCollection.Name)]
public sealed class UsersAuthorizationTests(GatehouseServer server)
{
    [Fact]
    public async Task NonAdmin_ListOrChangeUsers_Is403()
    {
        var site = await server.CreateSiteAsync();
        var (_, user) = await PlainUserAsync(site);
        using var _ = user;

        var responses = new[]
        {
            await user.GetAsync(Rest + "/users"),
            await user.GetAsync($"{Rest}/users/{site.AdminUserId}"),
            await user.PostJson(Rest + "/users", new { username = "sneaky" }),
            await user.PatchJson($"{Rest}/users/{site.AdminUserId}", new { name = "pwned" }),
            await user.DeleteAsync($"{Rest}/users/{site.AdminUserId}"),
            await user.PostAsync($"{Rest}/users/{site.AdminUserId}/unlock", null),
        };

        foreach (var r in responses) await r.AssertError(403, "not-authorized/site-admin-required");
    }

    [Fact]
    public async Task NonAdmin_ShowSelf_IsAllowed()
    {
        var site = await server.CreateSiteAsync();
        var (userId, user) = await PlainUserAsync(site);
        using var _ = user;

        var response = await user.GetAsync($"{Rest}/users/{userId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(userId, (long)(await response.Json())["id"]!);
    }
}
