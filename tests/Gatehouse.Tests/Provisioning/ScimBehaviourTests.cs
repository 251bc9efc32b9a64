using System.Text.Json.Nodes;
using Gatehouse.Provisioning;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Gatehouse.Tests.Provisioning.ScimTestData;

namespace Gatehouse.Tests.Provisioning;

/// <summary>Deprovisioning, provision_* options, the circuit breaker and the request log.</summary>
[Collection(ServerCollection.Name)]
public sealed class ScimBehaviourTests(GatehouseServer server)
{
    [Fact]
    public async Task Delete_DisableBehaviour_KeepsUserDisabledAndHidesItFromScim_ThenRecreateRevives()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site, new { deprovision_behavior = "disable" });
        using var scim = p.Client();
        var id = await CreateUserAsync(scim, "leaver@example.com");

        Assert.Equal(204, (int)(await scim.DeleteAsync($"{Base}/Users/{id}")).StatusCode);
        await (await scim.GetAsync($"{Base}/Users/{id}")).AssertScimError(404);
        await using (var scope = server.SiteScope(site.Id, out var db))
            Assert.True((await db.Users.SingleAsync(u => u.Id == long.Parse(id))).Disabled);

        var again = await (await scim.ScimPost(Base + "/Users", OktaUser("leaver@example.com"))).AssertScim(201);
        Assert.Equal(id, (string?)again["id"]);
        Assert.True((bool)again["active"]!);
    }

    [Fact]
    public async Task UnfilteredList_TotalResults_IsThisProvidersVisibleUsers_AsTheFilteredCountHasIt()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site, new { deprovision_behavior = "disable" });
        var other = await ProviderAsync(site, label: "Entra");
        using var scim = p.Client();
        using var otherScim = other.Client();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await CreateUserAsync(scim, $"count{i}@example.com"));
        await CreateUserAsync(otherScim, "count-elsewhere@example.com");

        // One DELETEd (kept disabled, hidden from SCIM), one deactivated (still listed), one whose row says password while
        // still naming the provider (the admin path clears the provider; the count must not rely on it).
        Assert.Equal(204, (int)(await scim.DeleteAsync($"{Base}/Users/{ids[0]}")).StatusCode);
        await (await scim.ScimPatch($"{Base}/Users/{ids[1]}", Patch(Op("replace", null, new JsonObject { ["active"] = false })))).AssertScim(200);
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            var user = await db.Users.SingleAsync(u => u.Id == long.Parse(ids[2]));
            user.AuthenticationMethod = Gatehouse.Accounts.AuthenticationMethods.Password;
            await db.SaveChangesAsync();
        }

        // count=1 leaves the end of the list unknown, so totalResults comes from the count, unfiltered and filtered.
        var unfiltered = await (await scim.GetAsync($"{Base}/Users?startIndex=1&count=1")).AssertScim(200);
        Assert.Equal(3, (int)unfiltered["totalResults"]!);
        Assert.Single(unfiltered["Resources"]!.AsArray());
        var filtered = await (await scim.GetAsync($"{Base}/Users?startIndex=1&count=1&filter=userName%20sw%20%22count%22")).AssertScim(200);
        Assert.Equal(3, (int)filtered["totalResults"]!);
        Assert.Equal(3, (int)(await (await scim.GetAsync($"{Base}/Users?count=0")).AssertScim(200))["totalResults"]!);

        // Re-created by the IdP, the DELETEd user counts again.
        await (await scim.ScimPost(Base + "/Users", OktaUser("count0@example.com"))).AssertScim(201);
        Assert.Equal(4, (int)(await (await scim.GetAsync($"{Base}/Users?startIndex=1&count=1")).AssertScim(200))["totalResults"]!);
        Assert.Equal(1, (int)(await (await otherScim.GetAsync($"{Base}/Users?startIndex=1&count=0")).AssertScim(200))["totalResults"]!);
    }

    [Fact]
    public async Task Delete_DeleteBehaviour_RemovesTheUser()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site, new { deprovision_behavior = "delete" });
        using var scim = p.Client();
        var id = await CreateUserAsync(scim, "gone@example.com");

        Assert.Equal(204, (int)(await scim.DeleteAsync($"{Base}/Users/{id}")).StatusCode);
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.False(await db.Users.AnyAsync(u => u.Id == long.Parse(id)));
    }

    [Fact]
    public async Task ProvisionOptions_DefaultGroupsCompanyPermissionsAdminGroupsAndExclusion()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site, new
        {
            provision_group_default = "Everyone", provision_company = "Acme", provision_sftp_permission = true,
            provision_site_admin_groups = "IT-Admins*", provision_group_exclusion = "Secret*",
        });
        using var scim = p.Client();
        var id = long.Parse(await CreateUserAsync(scim, "ops@example.com"));

        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            var user = await db.Users.Include(u => u.Memberships).ThenInclude(m => m.Group).SingleAsync(u => u.Id == id);
            Assert.Equal("Acme", user.Company);
            Assert.True(user.SftpPermission);
            Assert.False(user.SiteAdmin);
            Assert.Contains(user.Memberships, m => m.Group.Name == "Everyone");
        }

        await (await scim.ScimPost(Base + "/Groups", new JsonObject { ["displayName"] = "Secret Project" })).AssertScimError(400, "invalidValue");
        var admins = await (await scim.ScimPost(Base + "/Groups", new JsonObject
        {
            ["displayName"] = "IT-Admins-EU", ["members"] = new JsonArray(new JsonObject { ["value"] = id.ToString() }),
        })).AssertScim(201);
        await using (var scope = server.SiteScope(site.Id, out var db))
            Assert.True((await db.Users.SingleAsync(u => u.Id == id)).SiteAdmin);

        await (await scim.ScimPatch($"{Base}/Groups/{admins["id"]}", Patch(Op("remove", $"members[value eq \"{id}\"]", null)))).AssertScim(200);
        await using (var scope = server.SiteScope(site.Id, out var db))
            Assert.False((await db.Users.SingleAsync(u => u.Id == id)).SiteAdmin);
    }

    [Fact]
    public async Task ProvisionOptions_GroupInclusionWildcard_AdmitsOnlyMatchingGroups()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site, new { provision_group_inclusion = "Files-*", provision_dav_permission = true, provision_ftp_permission = true });
        using var scim = p.Client();
        var id = long.Parse(await CreateUserAsync(scim, "incl@example.com"));

        await (await scim.ScimPost(Base + "/Groups", new JsonObject { ["displayName"] = "Marketing" })).AssertScimError(400, "invalidValue");
        await (await scim.ScimPost(Base + "/Groups", new JsonObject
        {
            ["displayName"] = "files-readers", ["members"] = new JsonArray(new JsonObject { ["value"] = id.ToString() }),
        })).AssertScim(201); // wildcards compare case-insensitively

        await using var scope = server.SiteScope(site.Id, out var db);
        var user = await db.Users.Include(u => u.Memberships).ThenInclude(m => m.Group).SingleAsync(u => u.Id == id);
        Assert.Equal(["files-readers"], user.Memberships.Select(m => m.Group.Name).ToArray());
        Assert.True(user.DavPermission);
        Assert.True(user.FtpPermission);
        Assert.False(user.SftpPermission);
        Assert.False(await db.Groups.AnyAsync(g => g.Name == "Marketing"));
    }

    [Fact]
    public async Task CircuitBreaker_MassDeactivation_IsHeldWith503UntilAdminApproves()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        using var scim = p.Client();
        var ids = new List<string>();
        for (var i = 0; i < 8; i++) ids.Add(await CreateUserAsync(scim, $"u{i}@example.com"));

        // 8 users: max(5, 20% of 8) = 5 deactivations per window pass.
        for (var i = 0; i < 5; i++)
            await (await scim.ScimPatch($"{Base}/Users/{ids[i]}", Patch(Op("replace", "active", JsonValue.Create(false))))).AssertScim(200);
        var held = await scim.ScimPatch($"{Base}/Users/{ids[5]}", Patch(Op("replace", "active", JsonValue.Create(false))));
        await held.AssertScimError(503);
        Assert.NotNull(held.Headers.RetryAfter);
        Assert.Equal(503, (int)(await scim.DeleteAsync($"{Base}/Users/{ids[6]}")).StatusCode);
        // Other changes are not held.
        await (await scim.ScimPatch($"{Base}/Users/{ids[7]}", Patch(Op("replace", "displayName", JsonValue.Create("Still here"))))).AssertScim(200);
        await using (var scope = server.SiteScope(site.Id, out var db))
            Assert.False((await db.Users.SingleAsync(u => u.Id == long.Parse(ids[5]))).Disabled);

        using var api = site.AdminApi();
        var holds = await (await api.GetAsync($"{HttpExtensions.Api}/sso_strategies/{p.StrategyId}/scim_holds")).Json();
        Assert.Equal("held", (string?)holds[0]!["status"]);
        var approve = await api.PostAsync($"{HttpExtensions.Api}/sso_strategies/{p.StrategyId}/scim_holds/approve", null);
        Assert.Equal("approved", (string?)(await approve.Json())["status"]);

        await (await scim.ScimPatch($"{Base}/Users/{ids[5]}", Patch(Op("replace", "active", JsonValue.Create(false))))).AssertScim(200);
        Assert.Equal(204, (int)(await scim.DeleteAsync($"{Base}/Users/{ids[6]}")).StatusCode);
    }

    [Fact]
    public async Task RequestLog_EveryRequestIsListedForTheAdminWithSecretsRedacted()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        using var scim = p.Client();
        await CreateUserAsync(scim, "logged@example.com");
        using (var bad = site.Anonymous(cookies: false)) await bad.GetAsync(Base + "/Users");

        using var api = site.AdminApi();
        var logs = (await (await api.GetAsync(HttpExtensions.Api + "/scim_logs")).Json()).AsArray();
        var create = logs.Single(l => (string?)l!["request_method"] == "POST");
        Assert.Equal("201", (string?)create!["http_response_code"]);
        Assert.Equal("/api/scim/Users", (string?)create["request_path"]);
        Assert.Contains("Okta SCIM Client", (string?)create["user_agent"]);
        Assert.Contains("logged@example.com", (string?)create["request_json"]);
        Assert.DoesNotContain("1mz050nq", (string?)create["request_json"]);
        Assert.Contains("[redacted]", (string?)create["request_json"]);
        Assert.Contains("logged@example.com", (string?)create["response_json"]);
        Assert.Contains(logs, l => (string?)l!["http_response_code"] == "401");
        Assert.DoesNotContain(p.Token, logs.ToJsonString());
    }

    [Theory]
    [InlineData("""{"userName":"a","password":"hunter2"}""")]
    [InlineData("""{"userName":"a","PASSWORD":"hunter2"}""")]
    [InlineData("""{"userName":"a","p\u0061ssword":"hunter2"}""")] // the key spelled with an escape
    [InlineData("""{"Operations":[{"value":{"ScimToken":"hunter2"}}]}""")]
    [InlineData("""not json "password": "hunter2" """)]
    public void Redact_HidesEverySpellingOfASecretMember(string body)
    {
        var redacted = ScimRequestLogger.Redact(body)!;
        Assert.DoesNotContain("hunter2", redacted);
        Assert.Contains("[redacted]", redacted);
    }

    [Fact]
    public void Redact_BodyWithoutSecrets_IsKeptAsSent()
    {
        const string body = """{ "userName": "a@example.com", "active": true }""";
        Assert.Same(body, ScimRequestLogger.Redact(body));
    }

    [Fact]
    public async Task RequestLogQueue_Full_DropsAndCountsRowsInsteadOfGrowing_ThenWritesWhatItKept()
    {
        var site = await server.CreateSiteAsync();
        var queue = new ScimRequestLogQueue(server.Services.GetRequiredService<IServiceScopeFactory>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ScimRequestLogQueue>.Instance, capacity: 3);
        var marker = "/api/scim/Users?drop-test=" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 5; i++)
            queue.Enqueue(new ScimRequestLog { SiteId = site.Id, CreatedAt = DateTime.UtcNow, RequestPath = marker, RequestMethod = "GET", HttpResponseCode = 200 });

        Assert.Equal(2, queue.Dropped);
        await queue.FlushAsync(CancellationToken.None);
        Assert.Equal(0, queue.Dropped); // reported (logged) with the batch
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.Equal(3, await db.Set<ScimRequestLog>().CountAsync(l => l.RequestPath == marker));
    }

    [Fact]
    public async Task RequestLog_Purge_DropsEntriesPastRetention()
    {
        var site = await server.CreateSiteAsync();
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            db.Add(new ScimRequestLog { RequestPath = "/api/scim/Users", RequestMethod = "GET", HttpResponseCode = 200, CreatedAt = DateTime.UtcNow.AddDays(-31) });
            db.Add(new ScimRequestLog { RequestPath = "/api/scim/Groups", RequestMethod = "GET", HttpResponseCode = 200, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        await server.Services.GetRequiredService<ScimLogPurge>().PurgeAsync(CancellationToken.None);
        await using (var scope = server.SiteScope(site.Id, out var db))
            Assert.Equal(["/api/scim/Groups"], await db.Set<ScimRequestLog>().Select(l => l.RequestPath).ToListAsync());
    }

    [Fact]
    public async Task AdminPage_ShowsEntraUrlRequestLogAndApprovesAHeldCycle()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site, new { provider = "azure", protocol = "saml" }, label: "Entra");
        using var scim = p.Client();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++) ids.Add(await CreateUserAsync(scim, $"page{i}@example.com"));
        for (var i = 0; i < 5; i++)
            await (await scim.ScimPatch($"{Base}/Users/{ids[i]}", Patch(Op("replace", "active", JsonValue.Create(false))))).AssertScim(200);
        await (await scim.ScimPatch($"{Base}/Users/{ids[5]}", Patch(Op("replace", "active", JsonValue.Create(false))))).AssertScimError(503);

        using var browser = site.Anonymous();
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await browser.SignIn(site.AdminUsername, site.AdminPassword)).StatusCode);
        Assert.Contains($"/admin/sso-providers/{p.StrategyId}/provisioning", await browser.GetStringAsync($"/admin/sso-providers/{p.StrategyId}"));
        var page = $"/admin/sso-providers/{p.StrategyId}/provisioning";
        var html = await browser.GetStringAsync(page);

        Assert.Contains("/api/scim?aadOptscim062020", html);
        Assert.Contains("Approve held cycle", html);
        Assert.Contains("Okta SCIM Client", html); // user agent
        Assert.Contains("/api/scim/Users", html);
        Assert.Contains("<td>503</td>", html);
        Assert.Contains("<td>201</td>", html);
        Assert.Contains("[redacted]", html); // the Okta body's password
        Assert.DoesNotContain("1mz050nq", html);
        Assert.Contains("kept for 30 day(s)", html);

        var approve = await browser.PostForm(page + "?handler=Approve", [], tokenFrom: page);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, approve.StatusCode);
        Assert.DoesNotContain("Approve held cycle", await browser.GetStringAsync(page));
        await (await scim.ScimPatch($"{Base}/Users/{ids[5]}", Patch(Op("replace", "active", JsonValue.Create(false))))).AssertScim(200);

        // Another site's admin cannot see this provider's page.
        var other = await server.CreateSiteAsync();
        using var stranger = other.Anonymous();
        await stranger.SignIn(other.AdminUsername, other.AdminPassword);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await stranger.GetAsync(page)).StatusCode);
    }
}
