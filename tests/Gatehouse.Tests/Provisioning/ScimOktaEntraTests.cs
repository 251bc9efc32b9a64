using System.Text.Json.Nodes;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Tests.Provisioning.ScimTestData;

namespace Gatehouse.Tests.Provisioning;

/// <summary>The request sequences Okta's and Entra's provisioning send (their published SCIM test flows), end to end.</summary>
[Collection(ServerCollection.Name)]
public sealed class ScimOktaEntraTests(GatehouseServer server)
{
    [Fact]
    public async Task Okta_CreateFindDeactivate_UserIsSsoManagedThenDisabledWithSessionsEnded()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        using var scim = p.Client();

        // Okta: "does the user exist?" before creating.
        var probe = await (await scim.GetAsync(Base + "/Users?filter=userName%20eq%20%22ada%40example.com%22&startIndex=1&count=100")).AssertScim(200);
        Assert.Equal(0, (int)probe["totalResults"]!);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", (string?)probe["schemas"]![0]);

        var create = await scim.ScimPost(Base + "/Users", OktaUser("ada@example.com", "Ada", "Lovelace"));
        var created = await create.AssertScim(201);
        var id = (string)created["id"]!;
        Assert.Equal($"{site.BaseUrl}/api/scim/Users/{id}", create.Headers.Location?.ToString());
        Assert.StartsWith("W/\"", create.Headers.ETag?.ToString());
        Assert.Equal("application/scim+json", create.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Lovelace", (string?)created["name"]!["familyName"]);
        Assert.True((bool)created["active"]!);
        Assert.Equal("User", (string?)created["meta"]!["resourceType"]);
        Assert.Null(created["password"]);

        var found = await (await scim.GetAsync(Base + "/Users?filter=userName%20eq%20%22ADA%40example.com%22")).AssertScim(200);
        Assert.Equal(1, (int)found["totalResults"]!);
        Assert.Equal(id, (string?)found["Resources"]![0]!["id"]);

        // The REST API shows an SSO user of this provider, externally managed.
        using var api = site.AdminApi();
        var user = await (await api.GetAsync($"{HttpExtensions.Api}/users/{id}")).Json();
        Assert.Equal("sso", (string?)user["authentication_method"]);
        Assert.Equal(p.StrategyId, (long)user["sso_strategy_id"]!);
        Assert.True((bool)user["externally_managed"]!);
        Assert.Equal("ada@example.com", (string?)user["email"]);
        Assert.Equal("Ada Lovelace", (string?)user["name"]);

        var token = await Providers.ProviderTestData.WebSessionAsync(server, site, long.Parse(id));
        var deactivate = await scim.ScimPatch($"{Base}/Users/{id}", Patch(Op("replace", null, new JsonObject { ["active"] = false })));
        var after = await deactivate.AssertScim(200);
        Assert.False((bool)after["active"]!);
        Assert.Equal("ada@example.com", (string?)after["userName"]); // a path-less replace never erases identity fields
        Assert.True((bool)(await (await api.GetAsync($"{HttpExtensions.Api}/users/{id}")).Json())["disabled"]!);
        using var browser = Providers.ProviderTestData.WithCookie(site, token);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await browser.GetAsync(HttpExtensions.Api + "/me")).StatusCode);

        // Okta reactivates with PUT of the whole user.
        var put = OktaUser("ada@example.com", "Ada", "King");
        put["id"] = id;
        var replaced = await (await scim.ScimPut($"{Base}/Users/{id}", put)).AssertScim(200);
        Assert.True((bool)replaced["active"]!);
        Assert.Equal("King", (string?)replaced["name"]!["familyName"]);
    }

    /// <summary>
    /// Okta's SCIM 2.0 spec test (the Runscope suite an OIN submission must pass), request for request and in order,
    /// with Okta's headers; then its CRUD suite: assign, update a name by PUT, deactivate, reactivate, unassign.
    /// </summary>
    [Fact]
    public async Task Okta_RunscopeSpecAndCrudSuites_PassInOrder()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        using var scim = p.Client();
        scim.DefaultRequestHeaders.UserAgent.Clear();
        scim.DefaultRequestHeaders.UserAgent.ParseAdd("Okta-SCIM-Integration/1.0");
        scim.DefaultRequestHeaders.Accept.ParseAdd("application/scim+json");
        scim.DefaultRequestHeaders.AcceptCharset.ParseAdd("utf-8");
        const string json = "application/scim+json"; // sent as "application/scim+json; charset=utf-8", as Okta does
        Task<HttpResponseMessage> Post(string path, JsonNode body) => scim.Scim(HttpMethod.Post, path, body.ToJsonString(), json);
        const string missingId = "010101001010101011001010101011"; // Okta's: 30 digits, beyond any 64-bit id
        const string random = "Runscope300Hfluaklab151@example.com";
        static JsonObject User(string userName, string given, string family) => new()
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = userName,
            ["name"] = new JsonObject { ["givenName"] = given, ["familyName"] = family },
            ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["value"] = userName, ["type"] = "work" }),
            ["displayName"] = $"{given} {family}",
            ["active"] = true,
        };

        // Setup: one user exists.
        await (await Post(Base + "/Users", User("bjensen@example.com", "Barbara", "Jensen"))).AssertScim(201);

        // Required: Users endpoint, one per page.
        var list = await (await scim.GetAsync(Base + "/Users?count=1&startIndex=1")).AssertScim(200);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", (string?)list["schemas"]![0]);
        Assert.Equal(1, (int)list["itemsPerPage"]!);
        Assert.Equal(1, (int)list["startIndex"]!);
        Assert.Equal(1, (int)list["totalResults"]!);
        var first = list["Resources"]![0]!;
        Assert.Equal("Jensen", (string?)first["name"]!["familyName"]);
        Assert.Equal("Barbara", (string?)first["name"]!["givenName"]);
        Assert.Equal("bjensen@example.com", (string?)first["emails"]![0]!["value"]);
        Assert.True((bool)first["active"]!);
        var isvId = (string)first["id"]!;

        // Required: GET Users/{id}.
        var one = await (await scim.GetAsync($"{Base}/Users/{isvId}")).AssertScim(200);
        Assert.Equal(isvId, (string?)one["id"]);
        Assert.Equal("bjensen@example.com", (string?)one["userName"]);

        // Required: unknown username → empty list; unknown id → 404 in the SCIM error shape.
        var none = await (await scim.GetAsync(Base + "/Users?filter=userName%20eq%20%22abcdefgh%40example.com%22")).AssertScim(200);
        Assert.Equal(0, (int)none["totalResults"]!);
        Assert.NotNull(none["Resources"]?.AsArray());
        Assert.False(string.IsNullOrEmpty((string?)(await (await scim.GetAsync($"{Base}/Users/{missingId}")).AssertScimError(404))["detail"]));
        Assert.Equal(0, (int)(await (await scim.GetAsync($"{Base}/Users?filter=userName%20eq%20%22{Uri.EscapeDataString(random)}%22")).AssertScim(200))["totalResults"]!);

        // Required: create with realistic values, read it back.
        var created = await (await Post(Base + "/Users", User(random, "Runscope300", "Hfluaklab151"))).AssertScim(201);
        Assert.True((bool)created["active"]!);
        Assert.Contains("urn:ietf:params:scim:schemas:core:2.0:User", created["schemas"]!.AsArray().Select(x => (string?)x));
        Assert.Equal(random, (string?)created["userName"]);
        Assert.Equal(random, (string?)created["emails"]![0]!["value"]);
        var id = (string)created["id"]!;
        var read = await (await scim.GetAsync($"{Base}/Users/{id}")).AssertScim(200);
        Assert.Equal("Hfluaklab151", (string?)read["name"]!["familyName"]);

        // Required: the same user again → 409; the username in capitals still finds it.
        await (await Post(Base + "/Users", User(random, "Runscope300", "Hfluaklab151"))).AssertScimError(409, "uniqueness");
        var caps = await (await scim.GetAsync($"{Base}/Users?filter=userName%20eq%20%22{Uri.EscapeDataString(random.ToUpperInvariant())}%22")).AssertScim(200);
        Assert.Equal(1, (int)caps["totalResults"]!);

        // Optional: Groups endpoint lists (none yet) with a Resources array.
        var groups = await (await scim.GetAsync(Base + "/Groups")).AssertScim(200);
        Assert.Equal(0, (int)groups["totalResults"]!);
        Assert.NotNull(groups["Resources"]?.AsArray());

        // Required: 404 once more, status as a string.
        Assert.Equal("404", (string?)(await (await scim.GetAsync($"{Base}/Users/{missingId}")).AssertScimError(404))["status"]);

        // CRUD suite: Okta updates a profile with PUT of the whole user (firstName changed).
        var put = User(random, "Runscope301", "Hfluaklab151");
        put["id"] = id;
        var updated = await (await scim.Scim(HttpMethod.Put, $"{Base}/Users/{id}", put.ToJsonString(), json)).AssertScim(200);
        Assert.Equal("Runscope301", (string?)updated["name"]!["givenName"]);
        using var api = site.AdminApi();
        Assert.Equal("Runscope301 Hfluaklab151", (string?)(await (await api.GetAsync($"{HttpExtensions.Api}/users/{id}")).Json())["name"]);

        // Deactivate, reactivate (PATCH active), then unassign (deactivate again): each visible in the REST API.
        static JsonObject Active(bool value) => Patch(Op("replace", null, new JsonObject { ["active"] = value }));
        async Task<bool> DisabledAsync() => (bool)(await (await api.GetAsync($"{HttpExtensions.Api}/users/{id}")).Json())["disabled"]!;
        Assert.False((bool)(await (await scim.Scim(HttpMethod.Patch, $"{Base}/Users/{id}", Active(false).ToJsonString(), json)).AssertScim(200))["active"]!);
        Assert.True(await DisabledAsync());
        Assert.True((bool)(await (await scim.Scim(HttpMethod.Patch, $"{Base}/Users/{id}", Active(true).ToJsonString(), json)).AssertScim(200))["active"]!);
        Assert.False(await DisabledAsync());
        await (await scim.Scim(HttpMethod.Patch, $"{Base}/Users/{id}", Active(false).ToJsonString(), json)).AssertScim(200);
        Assert.True(await DisabledAsync());
        var filtered = await (await scim.GetAsync(Base + "/Users?filter=active%20eq%20false")).AssertScim(200);
        Assert.Equal([id], filtered["Resources"]!.AsArray().Select(r => (string)r!["id"]!).ToArray());
    }

    [Fact]
    public async Task Okta_GroupPushAndMembership_AddsAndRemovesMembersAndRenames()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        using var scim = p.Client();
        var a = await CreateUserAsync(scim, "a@example.com");
        var b = await CreateUserAsync(scim, "b@example.com");

        var group = await (await scim.ScimPost(Base + "/Groups", new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
            ["displayName"] = "Engineering",
            ["members"] = new JsonArray(new JsonObject { ["value"] = a, ["display"] = "a@example.com" }),
        })).AssertScim(201);
        var gid = (string)group["id"]!;
        Assert.Single(group["members"]!.AsArray());

        // Okta: remove one member by value filter, add another.
        var patched = await (await scim.ScimPatch($"{Base}/Groups/{gid}", Patch(
            Op("remove", $"members[value eq \"{a}\"]", null),
            Op("add", "members", new JsonArray(new JsonObject { ["value"] = b }))))).AssertScim(200);
        Assert.Equal([b], patched["members"]!.AsArray().Select(m => (string)m!["value"]!).ToArray());

        // Okta: rename echoing the id.
        var renamed = await (await scim.ScimPatch($"{Base}/Groups/{gid}", Patch(
            Op("replace", null, new JsonObject { ["id"] = gid, ["displayName"] = "Engineering EU" })))).AssertScim(200);
        Assert.Equal("Engineering EU", (string?)renamed["displayName"]);

        using var api = site.AdminApi();
        var user = await (await api.GetAsync($"{HttpExtensions.Api}/users/{b}")).Json();
        Assert.Contains(long.Parse(gid), user["group_ids"]!.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s.Trim('[', ']', ' ', '"'))));

        var byName = await (await scim.GetAsync(Base + "/Groups?filter=displayName%20eq%20%22engineering%20eu%22&excludedAttributes=members")).AssertScim(200);
        Assert.Equal(1, (int)byName["totalResults"]!);
        Assert.Null(byName["Resources"]![0]!["members"]);
        var byMember = await (await scim.GetAsync($"{Base}/Groups?filter=members%5Bvalue%20eq%20%22{b}%22%5D")).AssertScim(200);
        Assert.Equal(1, (int)byMember["totalResults"]!);
        var notMember = await (await scim.GetAsync($"{Base}/Groups?filter=members.value%20eq%20%22{a}%22")).AssertScim(200);
        Assert.Equal(0, (int)notMember["totalResults"]!);

        // Okta PUT with full members replaces them.
        var put = await (await scim.ScimPut($"{Base}/Groups/{gid}", new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"), ["id"] = gid, ["displayName"] = "Engineering EU",
            ["members"] = new JsonArray(new JsonObject { ["value"] = a }),
        })).AssertScim(200);
        Assert.Equal([a], put["members"]!.AsArray().Select(m => (string)m!["value"]!).ToArray());

        Assert.Equal(204, (int)(await scim.DeleteAsync($"{Base}/Groups/{gid}")).StatusCode);
        await (await scim.GetAsync($"{Base}/Groups/{gid}")).AssertScimError(404);
    }

    [Fact]
    public async Task Entra_LegacyDialect_ExternalIdUnquotedPascalCaseAndStringBooleans()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site, label: "Entra");
        using var scim = p.Client();
        var objectId = Guid.NewGuid().ToString();

        // Entra's Test Connection probe: a random userName, then its externalId query with an unquoted GUID.
        var probe = await (await scim.GetAsync($"{Base}/Users?filter=userName+eq+%22{Guid.NewGuid()}%22&aadOptscim062020")).AssertScim(200);
        Assert.Equal(0, (int)probe["totalResults"]!);
        var byExternal = await (await scim.GetAsync($"{Base}/Users?filter=externalId+eq+{objectId}")).AssertScim(200);
        Assert.Equal(0, (int)byExternal["totalResults"]!);

        var create = await (await scim.ScimPost(Base + "/Users?aadOptscim062020", new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            ["externalId"] = objectId,
            ["userName"] = "Test_User_ab6490ee@contoso.com",
            ["active"] = true,
            ["displayName"] = "Test User",
            ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["type"] = "work", ["value"] = "Test_User_fd0ea19b@contoso.com" }),
            ["name"] = new JsonObject { ["formatted"] = "Test User", ["familyName"] = "User", ["givenName"] = "Test" },
            ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["department"] = "Sales", ["organization"] = "Contoso" },
        })).AssertScim(201);
        var id = (string)create["id"]!;
        Assert.Equal("Sales", (string?)create["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["department"]);

        var found = await (await scim.GetAsync($"{Base}/Users?filter=externalId+eq+{objectId}")).AssertScim(200);
        Assert.Equal(id, (string?)found["Resources"]![0]!["id"]);

        var patched = await (await scim.ScimPatch($"{Base}/Users/{id}", Patch(
            Op("Replace", "displayName", JsonValue.Create("Renamed User")),
            Op("Add", "emails[type eq \"work\"].value", JsonValue.Create("renamed@contoso.com")),
            Op("Replace", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", JsonValue.Create("Finance"))))).AssertScim(200);
        Assert.Equal("Renamed User", (string?)patched["displayName"]);
        Assert.Equal("Finance", (string?)patched["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["department"]);

        var disabled = await (await scim.ScimPatch($"{Base}/Users/{id}", Patch(Op("Replace", "active", JsonValue.Create("False"))))).AssertScim(200);
        Assert.False((bool)disabled["active"]!);

        await using var scope = server.SiteScope(site.Id, out var db);
        var user = await db.Users.SingleAsync(u => u.Id == long.Parse(id));
        Assert.True(user.Disabled);
        Assert.Equal("renamed@contoso.com", user.Email);
        Assert.Equal("Contoso", user.Company);

        // Entra legacy group membership removal with a value array.
        var g = await (await scim.ScimPost(Base + "/Groups", new JsonObject { ["displayName"] = "Sales Team", ["externalId"] = Guid.NewGuid().ToString() })).AssertScim(201);
        var gid = (string)g["id"]!;
        var added = await (await scim.ScimPatch($"{Base}/Groups/{gid}", Patch(Op("Add", "members", new JsonArray(new JsonObject { ["value"] = id }))))).AssertScim(200);
        Assert.Single(added["members"]!.AsArray());
        var removed = await (await scim.ScimPatch($"{Base}/Groups/{gid}", Patch(Op("Remove", "members", new JsonArray(new JsonObject { ["value"] = id }))))).AssertScim(200);
        Assert.Empty(removed["members"]!.AsArray());
    }

    [Fact]
    public async Task Entra_ValidatorSequence_ResultsVisibleInTheRestApi()
    {
        // The order Entra's SCIM validator and provisioning cycle use, with ?aadOptscim062020 (standard dialect):
        // create → filter by userName → path-less Replace with dotted keys → Add on a value path → disable → group
        // create → filter by displayName → Add members → rename → Remove members → DELETE group → DELETE user.
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site, new { provider = "azure", protocol = "saml", deprovision_behavior = "delete", deprovision_groups = true }, label: "Entra");
        using var scim = p.Client();
        using var api = site.AdminApi();
        var objectId = Guid.NewGuid().ToString();
        var create = await (await scim.ScimPost(Base + "/Users?aadOptscim062020", new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            ["externalId"] = objectId, ["userName"] = "validator.user@contoso.com", ["active"] = true, ["displayName"] = "Validator User",
            ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["type"] = "work", ["value"] = "validator.user@contoso.com" }),
            ["name"] = new JsonObject { ["familyName"] = "User", ["givenName"] = "Validator" },
        })).AssertScim(201);
        var id = (string)create["id"]!;
        var q = await (await scim.GetAsync($"{Base}/Users?aadOptscim062020&filter=userName+eq+%22validator.user%40contoso.com%22")).AssertScim(200);
        Assert.Equal(1, (int)q["totalResults"]!);

        await (await scim.ScimPatch($"{Base}/Users/{id}?aadOptscim062020", Patch(
            Op("replace", null, new JsonObject { ["name.givenName"] = "Val", ["displayName"] = "Val User" }),
            Op("add", "emails[type eq \"work\"].value", JsonValue.Create("val@contoso.com"))))).AssertScim(200);

        var users = (await (await api.GetAsync(HttpExtensions.Api + "/users")).Json()).AsArray();
        var rest = users.Single(u => (string?)u!["username"] == "validator.user@contoso.com")!;
        Assert.Equal("val@contoso.com", (string?)rest["email"]);
        Assert.Equal("sso", (string?)rest["authentication_method"]);
        Assert.False((bool)rest["disabled"]!);

        await (await scim.ScimPatch($"{Base}/Users/{id}?aadOptscim062020", Patch(Op("replace", "active", JsonValue.Create(false))))).AssertScim(200);
        Assert.True((bool)(await (await api.GetAsync($"{HttpExtensions.Api}/users/{id}")).Json())["disabled"]!);

        var g = await (await scim.ScimPost(Base + "/Groups?aadOptscim062020", new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"), ["externalId"] = Guid.NewGuid().ToString(), ["displayName"] = "Validator Group",
        })).AssertScim(201);
        var gid = (string)g["id"]!;
        Assert.Equal(1, (int)(await (await scim.GetAsync($"{Base}/Groups?filter=displayName+eq+%22Validator%20Group%22&excludedAttributes=members")).AssertScim(200))["totalResults"]!);
        await (await scim.ScimPatch($"{Base}/Groups/{gid}", Patch(Op("add", "members", new JsonArray(new JsonObject { ["value"] = id }))))).AssertScim(200);
        await (await scim.ScimPatch($"{Base}/Groups/{gid}", Patch(Op("replace", "displayName", JsonValue.Create("Validator Group 2"))))).AssertScim(200);

        var groups = (await (await api.GetAsync(HttpExtensions.Api + "/groups")).Json()).AsArray();
        var restGroup = groups.Single(x => (string?)x!["name"] == "Validator Group 2")!;
        Assert.Contains(id, (string?)restGroup["user_ids"] ?? "");

        await (await scim.ScimPatch($"{Base}/Groups/{gid}", Patch(Op("remove", "members", new JsonArray(new JsonObject { ["value"] = id }))))).AssertScim(200);
        Assert.Equal(204, (int)(await scim.DeleteAsync($"{Base}/Groups/{gid}")).StatusCode);
        Assert.DoesNotContain((await (await api.GetAsync(HttpExtensions.Api + "/groups")).Json()).AsArray(), x => (string?)x!["name"] == "Validator Group 2");
        Assert.Equal(204, (int)(await scim.DeleteAsync($"{Base}/Users/{id}")).StatusCode);
        Assert.Equal(404, (int)(await api.GetAsync($"{HttpExtensions.Api}/users/{id}")).StatusCode); // deprovision_behavior=delete
        await (await scim.GetAsync($"{Base}/Users/{id}")).AssertScimError(404);
    }

    [Fact]
    public async Task Discovery_DocumentsComeFromTheEngineWithSiteLocations()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        using var scim = p.Client();

        var config = await (await scim.GetAsync(Base + "/ServiceProviderConfig")).AssertScim(200);
        Assert.True((bool)config["patch"]!["supported"]!);
        Assert.True((bool)config["etag"]!["supported"]!);
        Assert.Equal($"{site.BaseUrl}/api/scim/ServiceProviderConfig", (string?)config["meta"]!["location"]);
        var types = await (await scim.GetAsync(Base + "/ResourceTypes")).AssertScim(200);
        Assert.Equal(2, (int)types["totalResults"]!);
        var schemas = await (await scim.GetAsync("/api/scim/v2/Schemas")).AssertScim(200);
        Assert.Equal(3, (int)schemas["totalResults"]!);
        await (await scim.GetAsync(Base + "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")).AssertScim(200);
        await (await scim.GetAsync(Base + "/Nope")).AssertScimError(404);
        await (await scim.DeleteAsync(Base + "/ServiceProviderConfig")).AssertScimError(404);
    }
}
