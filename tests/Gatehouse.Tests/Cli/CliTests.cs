using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Tests.Cli;

/// <summary>The operator CLI (CONTRACT §1), run as the real program: exit codes, stdout and stderr are the interface.</summary>
public sealed class CliTests(CliDatabase db) : IClassFixture<CliDatabase>
{
    private async Task<JsonObject> CreateSiteAsync(string subdomain, string plan = "premier")
    {
        var result = await db.RunAsync("sites", "create", "--subdomain", subdomain, "--plan", plan, "--admin-username", "admin", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.StdOut)!.AsObject();
    }

    private async Task<JsonArray> ListSitesAsync()
    {
        var result = await db.RunAsync("sites", "list", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.StdOut)!.AsArray();
    }

    [Fact]
    public async Task SitesCreate_Json_PrintsExactlyOneObjectWithContractFields()
    {
        var subdomain = CliDatabase.NewSubdomain();

        var result = await db.RunAsync("sites", "create", "--subdomain", subdomain, "--plan", "premier", "--admin-username", "admin", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        using var doc = JsonDocument.Parse(lines[0]); // throws on anything but one JSON value
        var o = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, o.ValueKind);
        Assert.True(o.GetProperty("site_id").GetInt64() > 0);
        Assert.Equal(subdomain, o.GetProperty("subdomain").GetString());
        Assert.True(o.GetProperty("admin_user_id").GetInt64() > 0);
        Assert.False(string.IsNullOrWhiteSpace(o.GetProperty("api_key").GetString()));
        Assert.Equal($"http://{subdomain}.localhost:5080", o.GetProperty("url").GetString());
    }

    [Fact]
    public async Task SitesCreate_JsonOnFreshDatabase_PrintsOnlyJsonOnStdout()
    {
        // The first verb on a new database applies migrations; anything they log must not reach stdout,
        // or `sites create --json | jq` breaks on exactly the first run of a deployment.
        var fresh = new CliDatabase();
        var environment = await Hosting.GatehouseProgram.FreshEnvironmentAsync(fresh.DataDirectory);
        try
        {
            var result = await Hosting.GatehouseProgram.RunAsync(environment, fresh.DataDirectory,
                "sites", "create", "--subdomain", CliDatabase.NewSubdomain(), "--plan", "premier", "--admin-username", "admin", "--json");

            Assert.True(result.ExitCode == 0, result.ToString());
            using var doc = JsonDocument.Parse(result.StdOut); // one JSON value and nothing else
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task SitesCreate_WithoutPassword_PrintsGeneratedPasswordOnce()
    {
        var subdomain = CliDatabase.NewSubdomain();

        var result = await db.RunAsync("sites", "create", "--subdomain", subdomain, "--plan", "starter", "--admin-username", "admin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Generated password", result.StdOut);
        Assert.Contains("API key", result.StdOut);
        Assert.Contains($"http://{subdomain}.localhost:5080/login", result.StdOut);
    }

    [Fact]
    public async Task SitesCreate_DuplicateSubdomain_FailsWithReadableMessage()
    {
        var subdomain = CliDatabase.NewSubdomain();
        await CreateSiteAsync(subdomain);

        var result = await db.RunAsync("sites", "create", "--subdomain", subdomain, "--plan", "premier", "--admin-username", "admin", "--json");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("already exists", result.StdErr);
        Assert.Contains(subdomain, result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr); // a message, not a stack trace
        Assert.Equal("", result.StdOut.Trim());
    }

    [Theory]
    [InlineData("Bad_Name!")]
    [InlineData("-leading-hyphen")]
    [InlineData("www")]
    [InlineData("")]
    public async Task SitesCreate_BadSubdomain_FailsWithoutCreatingSite(string subdomain)
    {
        var result = await db.RunAsync("sites", "create", "--subdomain", subdomain, "--plan", "premier", "--admin-username", "admin", "--json");

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.StdErr), result.ToString());
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.DoesNotContain(await ListSitesAsync(), s => (string?)s!["subdomain"] == subdomain.ToLowerInvariant());
    }

    [Fact]
    public async Task SitesCreate_UnknownPlan_FailsAndNamesThePlans()
    {
        var subdomain = CliDatabase.NewSubdomain();

        var result = await db.RunAsync("sites", "create", "--subdomain", subdomain, "--plan", "platinum", "--admin-username", "admin", "--json");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("platinum", result.StdErr);
        Assert.Contains("premier", result.StdErr);
        Assert.DoesNotContain(await ListSitesAsync(), s => (string?)s!["subdomain"] == subdomain);
    }

    [Fact]
    public async Task SitesList_Json_IncludesCreatedSiteWithPlan()
    {
        var subdomain = CliDatabase.NewSubdomain();
        var created = await CreateSiteAsync(subdomain, "starter");

        var sites = await ListSitesAsync();

        var site = Assert.Single(sites, s => (string?)s!["subdomain"] == subdomain)!;
        Assert.Equal((long)created["site_id"]!, (long)site["site_id"]!);
        Assert.Equal("starter", (string?)site["plan"]);
        Assert.Equal((string?)created["url"], (string?)site["url"]);
    }

    [Fact]
    public async Task SitesSetPlan_ToPower_IsShownBySitesList()
    {
        var subdomain = CliDatabase.NewSubdomain();
        await CreateSiteAsync(subdomain, "starter");

        var result = await db.RunAsync("sites", "set-plan", "--subdomain", subdomain, "--plan", "power");

        Assert.True(result.ExitCode == 0, result.ToString());
        var site = Assert.Single(await ListSitesAsync(), s => (string?)s!["subdomain"] == subdomain)!;
        Assert.Equal("power", (string?)site["plan"]);
    }

    [Fact]
    public async Task SitesSetPlan_UnknownSite_FailsWithReadableMessage()
    {
        var subdomain = CliDatabase.NewSubdomain("missing");

        var result = await db.RunAsync("sites", "set-plan", "--subdomain", subdomain, "--plan", "power");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(subdomain, result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
    }

    [Fact]
    public async Task SitesSetPlan_UnknownPlan_FailsAndKeepsPlan()
    {
        var subdomain = CliDatabase.NewSubdomain();
        await CreateSiteAsync(subdomain, "power");

        var result = await db.RunAsync("sites", "set-plan", "--subdomain", subdomain, "--plan", "platinum");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("platinum", result.StdErr);
        var site = Assert.Single(await ListSitesAsync(), s => (string?)s!["subdomain"] == subdomain)!;
        Assert.Equal("power", (string?)site["plan"]);
    }

    [Fact]
    public async Task Migrate_UpToDateDatabase_ExitsZero()
    {
        var result = await db.RunAsync("migrate");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("serve --help")]
    [InlineData("migrate --help")]
    [InlineData("sites --help")]
    [InlineData("sites create --help")]
    [InlineData("sites list --help")]
    [InlineData("sites set-plan --help")]
    public async Task Help_EachVerb_ExitsZeroWithUsage(string args)
    {
        var result = await db.RunAsync(args.Split(' '));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage", result.StdOut);
    }

    [Fact]
    public async Task UnknownVerb_FailsWithNonZeroExit()
    {
        var result = await db.RunAsync("frobnicate");

        Assert.NotEqual(0, result.ExitCode);
    }
}
