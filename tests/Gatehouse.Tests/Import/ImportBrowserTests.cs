using System.Text;
using System.Text.RegularExpressions;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Gatehouse.Tests.Import.ImportTestData;

namespace Gatehouse.Tests.Import;

/// <summary>The import flow in a real Chromium: upload, validation report, confirm, the progress bar moving, the result.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportBrowserTests(GatehouseServer server, BrowserFixture browser)
{
    [Fact]
    public async Task ImportFlow_ShowsReport_ProgressBar_AndResult()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(site.BaseUrl + "/login");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(site.AdminUsername);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(site.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/users"));

        // The search box finds the page.
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("Import");
        await page.GetByRole(AriaRole.Link, new() { Name = "Import users", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Import users", Exact = true })).ToBeVisibleAsync();

        // 1. Upload: password rows cost a hash each, so the import takes long enough to watch the bar.
        var rows = Enumerable.Range(0, 48).Select(i => $"{Name("web")},password,Pass-Phrase-{i:D3}-Xyzzy,,,,,,false,").ToArray();
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "people.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(Csv(rows)) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Check file" }).ClickAsync();

        // 2. The validation report, and nothing written yet.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Validation report" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByText("48 users will be created")).ToBeVisibleAsync();

        // 3. Confirm → the progress bar, moving.
        await page.GetByRole(AriaRole.Button, new() { Name = "Import 48 users" }).ClickAsync();
        var bar = page.GetByRole(AriaRole.Progressbar, new() { Name = "Import progress" });
        await Expect(bar).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => { const p = document.getElementById('import-progress'); return !p || p.value > 0; }", null, new() { Timeout = 60_000 });

        // 4. The result summary, with the report to download.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Import complete" })).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "Users created 48" })).ToBeVisibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the report" }).ClickAsync());
        Assert.EndsWith("-report.csv", download.SuggestedFilename);
    }
}
