using Gatehouse.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Gatehouse.Tests.Pages;

/// <summary>
/// One headless Chromium for the browser tests (Debian's package, never a Playwright download); each test
/// takes a fresh context, so cookies and storage never leak between tests. A missing Chromium is a failure
/// with instructions, not a skip: CI installs it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}. Install it with `apt-get install -y chromium` (do not run `playwright install`).");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }

    /// <summary>A new, isolated browser context with one page; dispose the context at the end of the test.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        context.SetDefaultTimeout(15_000);
        return (context, await context.NewPageAsync());
    }
}

/// <summary>Browser tests get their own server and the one browser (a collection runs its tests one after another).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<GatehouseServer>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
