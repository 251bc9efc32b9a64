using System.Text.Json.Nodes;
using Gatehouse.Tests.Cli;
using static Gatehouse.Tests.Import.ImportTestData;

namespace Gatehouse.Tests.Import;

/// <summary><c>users import --site S FILE [--dry-run]</c> run as the real program: exit codes and messages are the interface.</summary>
public sealed class ImportCliTests(CliDatabase db) : IClassFixture<CliDatabase>
{
    private async Task<string> SiteAsync()
    {
        var subdomain = CliDatabase.NewSubdomain("imp");
        var r = await db.RunAsync("sites", "create", "--subdomain", subdomain, "--plan", "premier", "--admin-username", "admin", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        return subdomain;
    }

    private string File(string csv)
    {
        var path = Path.Combine(db.DataDirectory, Guid.NewGuid().ToString("N") + ".csv");
        System.IO.File.WriteAllText(path, csv);
        return path;
    }

    [Fact]
    public async Task DryRun_CleanFile_ExitsZero_AndWritesNothing()
    {
        var site = await SiteAsync();
        var name = Name();
        var r = await db.RunAsync("users", "import", "--site", site, File(Csv($"{name},none", $"{Name()},password,{GoodPassword}")), "--dry-run");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Dry run: 2 rows are valid", r.StdOut);
        var export = await db.RunAsync("users", "export", "--site", site);
        Assert.DoesNotContain(name, export.StdOut);
    }

    [Fact]
    public async Task Import_CreatesUsers_AndExportShowsThem()
    {
        var site = await SiteAsync();
        var name = Name();
        var r = await db.RunAsync("users", "import", "--site", site, File(Csv($"{name},none,,,{name}@example.com,,,Team A")), "--create-groups");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("1 users created", r.StdOut);
        var export = await db.RunAsync("users", "export", "--site", site);
        Assert.Contains($"{name},none,,,{name}@example.com,,,Team A,false,", export.StdOut);

        var again = await db.RunAsync("users", "import", "--site", site, File(export.StdOut), "--update");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 users created, 0 updated, 2 unchanged", again.StdOut);
    }

    [Fact]
    public async Task FileWithErrors_ExitsNonZero_ListingEachByLine()
    {
        var site = await SiteAsync();
        var r = await db.RunAsync("users", "import", "--site", site, File(Csv($"{Name()},none,,,nope", $"{Name()},mystery")));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("line 2, email: is not a valid email address", r.StdErr);
        Assert.Contains("line 3, authentication_method:", r.StdErr);
        Assert.DoesNotContain("   at ", r.StdErr);
    }

    [Fact]
    public async Task UnknownSite_ExitsNonZero()
    {
        var r = await db.RunAsync("users", "import", "--site", "no-such-site-here", File(Csv($"{Name()},none")));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("no site", r.StdErr);
    }

    [Fact]
    public async Task MissingFile_ExitsNonZero()
    {
        var site = await SiteAsync();
        var r = await db.RunAsync("users", "import", "--site", site, Path.Combine(db.DataDirectory, "missing.csv"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("no such file", r.StdErr);
    }
}
