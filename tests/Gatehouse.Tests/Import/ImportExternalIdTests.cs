using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using Gatehouse.Tests.Provisioning;
using static Gatehouse.Tests.Import.ImportTestData;

namespace Gatehouse.Tests.Import;

/// <summary>
/// The <c>external_id</c> column: an SSO user's immutable key at the provider, which the provider's SCIM client then
/// matches on (Entra can match on objectId), under the identity resolver's rule — one user per key and provider.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ImportExternalIdTests(GatehouseServer server)
{
    private const string KeyedHeader = Header + ",external_id";

    private static string KeyedCsv(params string[] rows) => string.Join("\r\n", [KeyedHeader, .. rows]) + "\r\n";

    private static string SsoRow(string username, string provider, string externalId) => $"{username},\"{provider}\",,,{username}@example.com,,,,false,,{externalId}";

    private async Task<(TestSite Site, HttpClient Api, ScimProvider Scim, string Label)> ArrangeAsync()
    {
        var site = await server.CreateSiteAsync("premier", "imx");
        var scim = await ScimTestData.ProviderAsync(site, label: "Entra");
        var api = site.AdminApi();
        var label = (string)(await (await api.GetAsync($"{HttpExtensions.Api}/sso_strategies/{scim.StrategyId}")).Json())["label"]!;
        return (site, api, scim, label);
    }

    private static async Task<JsonArray> ScimFindAsync(HttpClient scim, string filter)
    {
        var r = await scim.GetAsync(ScimTestData.Base + "/Users?filter=" + Uri.EscapeDataString(filter));
        return (await r.AssertScim(200))["Resources"]!.AsArray();
    }

    [Fact]
    public async Task ImportedKey_IsWhatScimMatchesOn_AndNeverYieldsASecondUser()
    {
        var (_, api, p, label) = await ArrangeAsync();
        using var _api = api;
        var name = Name("ex");
        var objectId = Guid.NewGuid().ToString();

        var result = await RunAsync(api, KeyedCsv(SsoRow(name, label, objectId)));
        Assert.True((string)result["status"]! == "completed", result.ToJsonString());

        // Entra matching on objectId (externalId) finds the imported user, and its PATCH updates that user.
        using var scim = p.Client();
        var found = await ScimFindAsync(scim, $"externalId eq \"{objectId}\"");
        Assert.Equal(name, (string)Assert.Single(found)!["userName"]!);
        var id = (string)found[0]!["id"]!;
        var patch = await scim.ScimPatch($"{ScimTestData.Base}/Users/{id}", ScimTestData.Patch(ScimTestData.Op("Replace", "displayName", "Imported Person")));
        await patch.AssertScim(200);
        var user = (await UsersAsync(api)).Single(u => (string)u!["username"]! == name)!;
        Assert.Equal("Imported Person", (string)user["name"]!);

        // The same person pushed under another userName is a conflict, not a duplicate.
        var before = (await UsersAsync(api)).Count;
        var otherName = Name("other") + "@example.com";
        var again = ScimTestData.OktaUser(otherName);
        again["externalId"] = objectId;
        await (await scim.ScimPost(ScimTestData.Base + "/Users", again)).AssertScimError(409, "uniqueness");
        var after = await UsersAsync(api);
        Assert.Equal(before, after.Count);
        Assert.DoesNotContain(after, u => (string)u!["username"]! == otherName);
    }

    [Fact]
    public async Task BadKeys_AreReportedByLine_AndNothingIsWritten()
    {
        var (_, api, _, label) = await ArrangeAsync();
        using var _api = api;
        var holder = Name("holder");
        var held = Guid.NewGuid().ToString();
        Assert.Equal("completed", (string)(await RunAsync(api, KeyedCsv(SsoRow(holder, label, held))))["status"]!);
        var before = (await UsersAsync(api)).Count;
        var shared = Guid.NewGuid().ToString();

        var result = await RunAsync(api, KeyedCsv(
            $"{Name()},password,{GoodPassword},,,,,,false,,{Guid.NewGuid()}",  // line 2: a password user has no IdP key
            SsoRow(Name(), label, shared),                                       // line 3
            SsoRow(Name(), label, shared),                                       // line 4: the same key twice in the file
            SsoRow(Name("newcomer"), label, held),                               // line 5: the key of an existing user
            SsoRow(Name(), label, new string('x', 257))));                       // line 6

        AssertError(result, 2, "external_id", "only be given for a user who signs in with an SSO provider");
        AssertError(result, 4, "external_id", "also given on line 3");
        AssertError(result, 5, "external_id", $"already the immutable key of \"{holder}\"");
        AssertError(result, 6, "external_id", "at most 256 characters");
        Assert.Equal(before, (await UsersAsync(api)).Count);
    }

    [Fact]
    public async Task UpdateMode_KeyOfAnotherUser_IsAmbiguous_NamingBoth()
    {
        var (_, api, _, label) = await ArrangeAsync();
        using var _api = api;
        var (a, b) = (Name("a"), Name("b"));
        var (keyA, keyB) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        Assert.Equal("completed", (string)(await RunAsync(api, KeyedCsv(SsoRow(a, label, keyA), SsoRow(b, label, keyB))))["status"]!);

        var result = await RunAsync(api, KeyedCsv(SsoRow(b, label, keyA)), update: true);

        AssertError(result, 2, "external_id", $"would match two users, \"{a}\" and \"{b}\"");
    }

    [Fact]
    public async Task Export_CarriesTheKey_RoundTripChangesNothing_AndANewKeyIsAnUpdate()
    {
        var (site, api, p, label) = await ArrangeAsync();
        using var _api = api;
        var name = Name("rt");
        var first = Guid.NewGuid().ToString();
        Assert.Equal("completed", (string)(await RunAsync(api, KeyedCsv(SsoRow(name, label, first))))["status"]!);

        using var browser = await site.AdminBrowser();
        var csv = await (await browser.GetAsync("/admin/import/export.csv")).Content.ReadAsStringAsync();
        Assert.StartsWith(KeyedHeader, csv);
        Assert.Contains(first, csv);
        var roundTrip = await RunAsync(api, csv, update: true);
        Assert.True((string)roundTrip["status"]! == "completed", roundTrip.ToJsonString());
        Assert.Equal(0, (int)roundTrip["updated_count"]!);

        var second = Guid.NewGuid().ToString();
        var changed = await RunAsync(api, KeyedCsv(SsoRow(name, label, second)), update: true);
        Assert.True((string)changed["status"]! == "completed", changed.ToJsonString());
        Assert.Equal(1, (int)changed["updated_count"]!);
        using var scim = p.Client();
        Assert.Empty(await ScimFindAsync(scim, $"externalId eq \"{first}\""));
        Assert.Equal(name, (string)Assert.Single(await ScimFindAsync(scim, $"externalId eq \"{second}\""))!["userName"]!);
    }

    [Fact]
    public async Task MovingAUserToAnotherProvider_RepointsTheKey()
    {
        var (site, api, entra, entraLabel) = await ArrangeAsync();
        using var _api = api;
        var okta = await ScimTestData.ProviderAsync(site, label: "Okta");
        var oktaLabel = (string)(await (await api.GetAsync($"{HttpExtensions.Api}/sso_strategies/{okta.StrategyId}")).Json())["label"]!;
        var name = Name("mv");
        var (entraKey, oktaKey) = (Guid.NewGuid().ToString(), "00u" + Guid.NewGuid().ToString("N")[..17]);
        Assert.Equal("completed", (string)(await RunAsync(api, KeyedCsv(SsoRow(name, entraLabel, entraKey))))["status"]!);

        var moved = await RunAsync(api, KeyedCsv(SsoRow(name, oktaLabel, oktaKey)), update: true);

        Assert.True((string)moved["status"]! == "completed", moved.ToJsonString());
        using var oktaScim = okta.Client();
        Assert.Equal(name, (string)Assert.Single(await ScimFindAsync(oktaScim, $"externalId eq \"{oktaKey}\""))!["userName"]!);
        using var entraScim = entra.Client();
        Assert.Empty(await ScimFindAsync(entraScim, $"externalId eq \"{entraKey}\""));
        Assert.Empty(await ScimFindAsync(entraScim, $"userName eq \"{name}\""));
    }
}
