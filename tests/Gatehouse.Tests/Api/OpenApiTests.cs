using System.Net;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Api;

[Collection(ServerCollection.Name)]
public sealed class OpenApiTests(GatehouseServer server)
{
    [Fact]
    public async Task OpenApiDocument_IsServed_AndListsTheResources()
    {
        var site = await server.CreateSiteAsync();
        using var anonymous = site.Anonymous(cookies: false);

        var response = await anonymous.GetAsync(HttpExtensions.Api + "/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.Json())["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var expected in new[]
                 {
                     "/api/rest/v1/users", "/api/rest/v1/users/{id}", "/api/rest/v1/groups", "/api/rest/v1/groups/{id}",
                     "/api/rest/v1/group_users", "/api/rest/v1/api_keys", "/api/rest/v1/api_keys/{id}", "/api/rest/v1/api_key",
                     "/api/rest/v1/users/{user_id}/api_keys", "/api/rest/v1/public_keys", "/api/rest/v1/users/{user_id}/public_keys",
                     "/api/rest/v1/sessions", "/api/rest/v1/users/{id}/sessions", "/api/rest/v1/sso_events",
                 })
            Assert.Contains(expected, paths);
    }

    [Fact]
    public async Task OpenApiDocument_NamesOperations()
    {
        var site = await server.CreateSiteAsync();
        using var anonymous = site.Anonymous(cookies: false);

        var doc = await (await anonymous.GetAsync(HttpExtensions.Api + "/openapi.json")).Json();

        var groupsPost = doc["paths"]!["/api/rest/v1/groups"]!["post"]!;
        Assert.Equal("CreateGroup", (string?)groupsPost["operationId"]);
        Assert.False(string.IsNullOrEmpty((string?)groupsPost["summary"]));
    }
}
