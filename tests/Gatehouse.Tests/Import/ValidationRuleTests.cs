using System.Text;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using Gatehouse.Tests.Providers;
using static Gatehouse.Tests.Import.ImportTestData;

namespace Gatehouse.Tests.Import;

/// <summary>Each validation rule of CONTRACT §5, through dry runs: the error names its line (header = 1) and column, and nothing is written.</summary>
[Collection(ServerCollection.Name)]
public sealed class ValidationRuleTests(GatehouseServer server)
{
    private async Task<(TestSite Site, HttpClient Api)> SiteAsync(string plan = "premier")
    {
        var site = await server.CreateSiteAsync(plan, "imp");
        return (site, site.AdminApi());
    }

    [Fact]
    public async Task Username_Missing_IsRequired()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{Name()},none", ",none,,,a@example.com"), dryRun: true);
        AssertError(result, 3, "username", "is required");
    }

    [Fact]
    public async Task Username_ForbiddenCharacters_AreRefused()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, Csv("bad/name,none"), dryRun: true);
        AssertError(result, 2, "username", "must not contain");
    }

    [Fact]
    public async Task Username_TwiceInFile_CaseInsensitive_NamesFirstLine()
    {
        var (_, api) = await SiteAsync();
        var name = Name();
        var result = await RunAsync(api, Csv($"{name},none", $"{Name()},none", $"{name.ToUpperInvariant()},none"), dryRun: true);
        AssertError(result, 4, "username", "first on line 2");
    }

    [Fact]
    public async Task Username_AlreadyOnSite_WithoutUpdateOption_IsRefused()
    {
        var (site, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{site.AdminUsername.ToUpperInvariant()},none"), dryRun: true);
        AssertError(result, 2, "username", "already taken");
    }

    [Fact]
    public async Task Email_Invalid_IsRefused()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{Name()},none,,,not-an-email"), dryRun: true);
        AssertError(result, 2, "email", "not a valid email address");
    }

    [Theory]
    [InlineData("short1", "at least")]
    [InlineData("password123", "too common")]
    public async Task Password_AgainstPolicy_IsRefused(string password, string message)
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{Name()},password,{password}"), dryRun: true);
        AssertError(result, 2, "password", message);
    }

    [Fact]
    public async Task Password_ForNonPasswordMethod_IsRefused()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{Name()},none,{GoodPassword}"), dryRun: true);
        AssertError(result, 2, "password", "only be set for the password");
    }

    [Fact]
    public async Task ImportedHash_UnknownFormat_IsRefused()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{Name()},password_with_imported_hash,,md5$abc"), dryRun: true);
        AssertError(result, 2, "imported_password_hash", "not a supported hash");
    }

    [Fact]
    public async Task ImportedHash_MissingForItsMethod_IsRequired()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{Name()},password_with_imported_hash"), dryRun: true);
        AssertError(result, 2, "imported_password_hash", "is required");
    }

    [Fact]
    public async Task ImportedHash_KnownFormat_IsAccepted()
    {
        var (_, api) = await SiteAsync();
        var bcrypt = BCrypt.Net.BCrypt.HashPassword("Old-System-Pass-1", 4);
        var result = await RunAsync(api, Csv($"{Name()},password_with_imported_hash,,{bcrypt}"), dryRun: true);
        Assert.Equal("completed", (string)result["status"]!);
        Assert.Equal(1, (int)result["created_count"]!);
    }

    [Fact]
    public async Task Method_Unknown_ListsTheChoices()
    {
        var (_, api) = await SiteAsync();
        await ProviderTestData.CreateAsync(api, ProviderTestData.Saml("Okta Prod"));
        var result = await RunAsync(api, Csv($"{Name()},Okta Test"), dryRun: true);
        AssertError(result, 2, "authentication_method", "enabled SSO providers: Okta Prod");
    }

    [Fact]
    public async Task Method_ProviderLabel_IsCaseInsensitive()
    {
        var (_, api) = await SiteAsync();
        await ProviderTestData.CreateAsync(api, ProviderTestData.Saml("Okta Prod"));
        var result = await RunAsync(api, Csv($"{Name()},okta PROD"), dryRun: true);
        Assert.Equal("completed", (string)result["status"]!);
        Assert.Equal(1, (int)result["created_count"]!);
    }

    [Fact]
    public async Task Method_DisabledProvider_IsRefused()
    {
        var (_, api) = await SiteAsync();
        var id = await ProviderTestData.CreateAsync(api, ProviderTestData.Saml("Legacy IdP"));
        var off = await api.PatchJson($"{ProviderTestData.Strategies}/{id}", new { enabled = false });
        Assert.True(off.IsSuccessStatusCode, await off.Content.ReadAsStringAsync());
        var result = await RunAsync(api, Csv($"{Name()},Legacy IdP"), dryRun: true);
        AssertError(result, 2, "authentication_method", "disabled");
    }

    [Fact]
    public async Task Method_BareSso_MustNameTheProvider()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{Name()},sso"), dryRun: true);
        AssertError(result, 2, "authentication_method", "must name the SSO provider");
    }

    [Fact]
    public async Task Method_SsoOnPlanWithoutSso_IsRefused()
    {
        var (site, api) = await SiteAsync();
        await ProviderTestData.CreateAsync(api, ProviderTestData.Saml("Okta"));
        await using (server.SiteScope(site.Id, out var db))
        {
            db.Sites.First(s => s.Id == site.Id).Plan = "starter";
            await db.SaveChangesAsync();
        }
        var result = await RunAsync(api, Csv($"{Name()},Okta"), dryRun: true);
        AssertError(result, 2, "authentication_method", "plan (starter)");
    }

    [Fact]
    public async Task Groups_Missing_WithoutOption_AreErrors_WithOption_AreCreated()
    {
        var (_, api) = await SiteAsync();
        var csv = Csv($"{Name()},none,,,,,,\"Sales, Support\"");
        AssertError(await RunAsync(api, csv, dryRun: true), 2, "group_names", "\"Sales\", which does not exist");

        var result = await RunAsync(api, csv, createGroups: true);
        Assert.Equal("completed", (string)result["status"]!);
        Assert.Equal(2, (int)result["groups_created_count"]!);
    }

    [Fact]
    public async Task SshKey_Unparseable_IsRefused()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{Name()},none,,,,,,,,ssh-rsa not-base64!"), dryRun: true);
        AssertError(result, 2, "ssh_key", "invalid base64");
    }

    [Fact]
    public async Task SshKey_TwiceInFile_IsRefused()
    {
        var (_, api) = await SiteAsync();
        var key = PageTestData.Ed25519KeyLine();
        var result = await RunAsync(api, Csv($"{Name()},none,,,,,,,,{key}", $"{Name()},none,,,,,,,,{key}"), dryRun: true);
        AssertError(result, 3, "ssh_key", "also given on line 2");
    }

    [Fact]
    public async Task SiteAdmin_NotABoolean_IsRefused()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{Name()},none,,,,,,,maybe"), dryRun: true);
        AssertError(result, 2, "site_admin", "true or false");
    }

    [Fact]
    public async Task UpdateMode_RemovingLastPasswordAdmin_IsRefused()
    {
        var (site, api) = await SiteAsync();
        var result = await RunAsync(api, Csv($"{site.AdminUsername},none,,,,,,,false"), dryRun: true, update: true);
        AssertError(result, 2, "site_admin", "without an enabled site administrator who signs in with a password");
    }

    [Fact]
    public async Task UnknownColumn_IsAWarning_AndIgnored()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, $"username,Department,authentication_method\r\n{Name()},Finance,none\r\n", dryRun: true);
        Assert.Equal("completed", (string)result["status"]!);
        var warning = result["warnings"]!.AsArray().Single()!;
        Assert.Equal(1, (int)warning["line"]!);
        Assert.Equal("Department", (string)warning["column"]!);
    }

    [Fact]
    public async Task Header_WithoutUsername_IsAnErrorOnLine1()
    {
        var (_, api) = await SiteAsync();
        var result = await RunAsync(api, "email,name\r\na@example.com,A\r\n", dryRun: true);
        AssertError(result, 1, "username", "no username column");
    }

    [Fact]
    public async Task EveryError_IsReported_WithLineNumbers_CountingQuotedLineBreaks()
    {
        var (_, api) = await SiteAsync();
        // Line 2 holds a quoted field over two lines, so the next record starts on line 4.
        var csv = Csv($"{Name()},none,,,,\"Two\nLines, and a comma\"", $"{Name()},none,,,bad-email", "", $"{Name()},nonsense", $"{Name()},none,,,,,,,perhaps");
        var result = await RunAsync(api, csv, dryRun: true);
        Assert.Equal(3, (int)result["error_count"]!);
        AssertError(result, 4, "email", "not a valid email");
        AssertError(result, 6, "authentication_method", "must be password");
        AssertError(result, 7, "site_admin", "true or false");
    }

    [Fact]
    public async Task File_WithBom_CaseInsensitiveHeader_AndBlankRows_IsRead()
    {
        var (_, api) = await SiteAsync();
        var text = $"USERNAME,Authentication_Method,EMAIL\r\n\r\n{Name()},none,a@example.com\r\n,,\r\n{Name()},NONE,b@example.com\r\n";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        var result = await RunAsync(api, "", dryRun: true, raw: bytes);
        Assert.Equal("completed", (string)result["status"]!);
        Assert.Equal(2, (int)result["total_rows"]!);
        Assert.Equal(2, (int)result["created_count"]!);
    }

    [Fact]
    public async Task File_NotUtf8_IsRefused()
    {
        var (_, api) = await SiteAsync();
        var bytes = Encoding.Latin1.GetBytes($"username,name\r\n{Name()},Jos\u00e9\r\n");
        var result = await RunAsync(api, "", dryRun: true, raw: bytes);
        Assert.Equal("failed", (string)result["status"]!);
        Assert.Contains(Errors(result), e => e.Message.Contains("not valid UTF-8"));
    }
}
