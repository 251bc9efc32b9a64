using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Import;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using Gatehouse.Tests.Providers;
using static Gatehouse.Tests.Import.ImportTestData;

namespace Gatehouse.Tests.Import;

/// <summary><c>POST/GET /user_imports</c>: a mixed file of password and SSO users, all-or-nothing, update mode and the round trip.</summary>
[Collection(ServerCollection.Name)]
public sealed class ImportApiTests(GatehouseServer server)
{
    [Fact]
    public async Task MixedFile_PasswordAndSsoUsers_AreCreatedWithGroupsAndKeys()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var api = site.AdminApi();
        var okta = await ProviderTestData.CreateAsync(api, ProviderTestData.Saml("Okta"));
        var (pw, sso, none) = (Name("pw"), Name("sso"), Name("none"));
        var key = PageTestData.Ed25519KeyLine("laptop");

        var result = await RunAsync(api, Csv(
            $"{pw},password,{GoodPassword},,{pw}@example.com,Pat Word,Acme,\"Sales,Support\",true,",
            $"{sso},OKTA,,,{sso}@example.com,Sam So,Acme,Sales,false,{key}",
            $"{none},none,,,,,,,,"), createGroups: true);

        Assert.Equal("completed", (string)result["status"]!);
        Assert.Equal(3, (int)result["created_count"]!);
        Assert.Equal(2, (int)result["groups_created_count"]!);
        Assert.Equal(100, (int)result["progress"]!);
        var users = await UsersAsync(api);
        var p = users.Single(u => (string)u!["username"]! == pw)!;
        Assert.Equal("password", (string)p["authentication_method"]!);
        Assert.True((bool)p["site_admin"]!);
        Assert.Equal(2, ((string)p["group_ids"]!).Split(",").Length);
        var s = users.Single(u => (string)u!["username"]! == sso)!;
        Assert.Equal("sso", (string)s["authentication_method"]!);
        Assert.Equal(okta, (long)s["sso_strategy_id"]!);
        Assert.Equal(1, (int)s["public_keys_count"]!);
        Assert.Equal("none", (string)users.Single(u => (string)u!["username"]! == none)!["authentication_method"]!);

        // The imported password works.
        var login = await site.Anonymous(cookies: false).PostJson(HttpExtensions.Api + "/sessions", new { username = pw, password = GoodPassword });
        Assert.Equal(HttpStatusCode.Created, login.StatusCode);
    }

    [Fact]
    public async Task FileWithOneBadRow_WritesNothing_AndReportsIt()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var api = site.AdminApi();
        var before = (await UsersAsync(api)).Count;

        var result = await RunAsync(api, Csv($"{Name()},none,,,,,,NewGroup", $"{Name()},none,,,broken-email"), createGroups: true);

        AssertError(result, 3, "email", "not a valid email");
        Assert.Equal(before, (await UsersAsync(api)).Count);
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.Empty(db.Groups.ToList());
    }

    [Fact]
    public async Task FailureInTheMiddle_RollsBackEveryRow()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var api = site.AdminApi();
        await ProviderTestData.CreateAsync(api, ProviderTestData.Saml("Entra"));
        var before = (await UsersAsync(api)).Count;
        // 1,500 rows in batches of 500: the run fails after the first batch has been written inside the transaction.
        var rows = Enumerable.Range(0, 1500).Select(i => $"bulk{i:D5},Entra,,,bulk{i}@example.com,,,\"Team {i % 3}\",false,"
            + (i % 100 == 0 ? PageTestData.Ed25519KeyLine() : "")).ToArray();
        ImportWriter.FailAfterRowsForSite[site.Id] = 500;
        JsonNode result;
        try { result = await RunAsync(api, Csv(rows), createGroups: true); }
        finally { ImportWriter.FailAfterRowsForSite.TryRemove(site.Id, out _); }

        Assert.Equal("failed", (string)result["status"]!);
        Assert.Contains("rolled back", (string)result["failure_message"]!);
        Assert.Equal(0, (int)result["created_count"]!);
        Assert.Equal(before, (await UsersAsync(api)).Count);
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.Empty(db.Groups.ToList());
        Assert.Empty(db.PublicKeys.ToList());
        Assert.Empty(db.GroupUsers.ToList());

        // The same file goes through once the fault is gone: nothing half-done stood in its way.
        var again = await RunAsync(api, Csv(rows), createGroups: true);
        Assert.Equal("completed", (string)again["status"]!);
        Assert.Equal(1500, (int)again["created_count"]!);
    }

    [Fact]
    public async Task UpdateOption_ChangesExistingUsers_AndEmptyCellsKeepValues()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var api = site.AdminApi();
        await ProviderTestData.CreateAsync(api, ProviderTestData.Saml("Okta"));
        var name = Name();
        await RunAsync(api, Csv($"{name},password,{GoodPassword},,{name}@example.com,Old Name,Acme"));

        var result = await RunAsync(api, Csv($"{name},okta,,,,New Name,"), update: true);

        Assert.Equal("completed", (string)result["status"]!);
        Assert.Equal(1, (int)result["updated_count"]!);
        var user = (await UsersAsync(api)).Single(u => (string)u!["username"]! == name)!;
        Assert.Equal("sso", (string)user["authentication_method"]!);
        Assert.Equal("New Name", (string)user["name"]!);
        Assert.Equal($"{name}@example.com", (string)user["email"]!);
        Assert.Equal("Acme", (string)user["company"]!);
        // The old password no longer signs in.
        var login = await site.Anonymous(cookies: false).PostJson(HttpExtensions.Api + "/sessions", new { username = name, password = GoodPassword });
        Assert.NotEqual(HttpStatusCode.Created, login.StatusCode);
    }

    [Fact]
    public async Task Export_ThenImportWithUpdate_ChangesNothing()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var api = site.AdminApi();
        await ProviderTestData.CreateAsync(api, ProviderTestData.Saml("Okta, EMEA"));
        var seeded = await RunAsync(api, Csv(
            $"{Name()},password,{GoodPassword},,a@example.com,\"Smith, Jo\",\"Quote \"\"Inc\"\"\",\"G1,G2\",true,{PageTestData.Ed25519KeyLine("k1")}",
            $"{Name()},\"okta, emea\",,,b@example.com,,,G2,false,\"{PageTestData.Ed25519KeyLine("k2")}\n{PageTestData.Ed25519KeyLine("k3")}\"",
            $"{Name()},password_with_imported_hash,,{BCrypt.Net.BCrypt.HashPassword("x-Old-Pass-1", 4)},,,,,false,"), createGroups: true);
        Assert.True((string)seeded["status"]! == "completed", seeded.ToJsonString());
        var before = await ComparableUsersAsync(api);
        using var browser = await site.AdminBrowser();
        var export = await browser.GetAsync("/admin/import/export.csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var csv = await export.Content.ReadAsStringAsync();
        Assert.StartsWith(Header, csv);
        Assert.DoesNotContain("$2", csv); // no hashes leave

        var result = await RunAsync(api, csv, update: true);

        Assert.True((string)result["status"]! == "completed", result.ToJsonString() + "\n" + csv);
        Assert.Equal(0, (int)result["created_count"]!);
        Assert.Equal(0, (int)result["updated_count"]!);
        Assert.Equal(4, (int)result["unchanged_count"]!);
        Assert.Equal(before, await ComparableUsersAsync(api));
    }

    /// <summary>The users as the API shows them, less the sign-in times that the test's own requests move.</summary>
    private static async Task<string> ComparableUsersAsync(HttpClient api)
    {
        var users = await UsersAsync(api);
        foreach (var u in users)
            foreach (var key in u!.AsObject().Select(p => p.Key).Where(k => k.EndsWith("login_at")).ToList())
                u.AsObject().Remove(key);
        return users.ToJsonString();
    }

    [Fact]
    public async Task DryRun_WritesNothing_ThenConfirm_Imports()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var api = site.AdminApi();
        var before = (await UsersAsync(api)).Count;
        var dry = await RunAsync(api, Csv($"{Name()},none", $"{Name()},password,{GoodPassword}"), dryRun: true);
        Assert.Equal("completed", (string)dry["status"]!);
        Assert.True((bool)dry["dry_run"]!);
        Assert.Equal(2, (int)dry["created_count"]!);
        Assert.Equal(before, (await UsersAsync(api)).Count);

        var confirm = await api.PostAsync($"{Imports}/{(long)dry["id"]!}/confirm", null);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var done = await WaitAsync(api, (long)dry["id"]!);

        Assert.Equal("completed", (string)done["status"]!);
        Assert.False((bool)done["dry_run"]!);
        Assert.Equal(before + 2, (await UsersAsync(api)).Count);
        var twice = await api.PostAsync($"{Imports}/{(long)dry["id"]!}/confirm", null);
        await twice.AssertError(409, "processing-failure/");
    }

    [Fact]
    public async Task Create_AnswersWithIdAndStatus()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var api = site.AdminApi();
        var r = await UploadAsync(api, Csv($"{Name()},none"));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var body = await r.Json();
        Assert.True((long)body["id"]! > 0);
        Assert.Contains((string)body["status"]!, new[] { "validating", "importing", "completed" });
    }

    [Fact]
    public async Task BadRequests_GetFilesComErrors()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var api = site.AdminApi();
        var noFile = await api.PostAsync(Imports, new MultipartFormDataContent { { new StringContent("true"), "dry_run" } });
        await noFile.AssertError(422, "processing-failure/resource-validation-failure");
        var json = await api.PostJson(Imports, new { file = "x" });
        await json.AssertError(415, "bad-request/");
        var missing = await api.GetAsync($"{Imports}/999999999");
        await missing.AssertError(404, "not-found/");
    }

    [Fact]
    public async Task OtherSite_CannotSeeAnImport()
    {
        var a = await server.CreateSiteAsync("premier", "imp");
        var b = await server.CreateSiteAsync("premier", "imp");
        using var apiA = a.AdminApi();
        using var apiB = b.AdminApi();
        var done = await RunAsync(apiA, Csv($"{Name()},none"), dryRun: true);
        var r = await apiB.GetAsync($"{Imports}/{(long)done["id"]!}");
        await r.AssertError(404, "not-found/");
    }

    [Fact]
    public async Task BrowserCookieAlone_CannotImport_CsrfGuard()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var browser = await site.AdminBrowser();
        var r = await UploadAsync(browser, Csv($"{Name()},none"));
        await r.AssertError(403, "not-authorized/api-credentials-required");
    }

    [Fact]
    public async Task NonAdmin_IsRefused()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        var name = Name();
        await site.CreateUserAsync(name);
        var login = await site.Anonymous(cookies: false).PostJson(HttpExtensions.Api + "/sessions", new { username = name, password = PageTestData.UserPassword });
        var token = (string)(await login.Json())["id"]!;
        using var user = site.Anonymous(cookies: false);
        user.DefaultRequestHeaders.Add("X-FilesAPI-Auth", token);
        var r = await UploadAsync(user, Csv($"{Name()},none"));
        await r.AssertError(403, "not-authorized/site-admin-required");
    }

    [Fact]
    public async Task Template_HasTheContractColumns()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var browser = await site.AdminBrowser();
        var csv = await browser.GetStringAsync("/admin/import/template.csv");
        Assert.StartsWith(Header + ",external_id\r\n", csv); // the contract's columns, then our extension
        using var api = site.AdminApi();
        var dry = await RunAsync(api, csv.Replace(",Okta,", ",none,"), dryRun: true, createGroups: true);
        Assert.Equal("completed", (string)dry["status"]!);
    }
}
