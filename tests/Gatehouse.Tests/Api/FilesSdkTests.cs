using System.Diagnostics;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Api;

/// <summary>
/// The official Files.com JavaScript SDK (tests/sdk-js, npm "files.com" pinned) runs its users, groups,
/// group_users, api_keys, public_keys and sessions calls against a site, with only its base URL changed.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class FilesSdkTests(GatehouseServer server)
{
    [Fact]
    public async Task OfficialJavaScriptSdk_AgainstSite_PassesEveryStep()
    {
        // Arrange
        var sdkDir = Path.Combine(RepoRoot(), "tests", "sdk-js");
        Assert.True(Directory.Exists(Path.Combine(sdkDir, "node_modules", "files.com")),
            "tests/sdk-js/node_modules is missing: run `npm ci --prefix tests/sdk-js` first.");
        var site = await server.CreateSiteAsync();
        var start = new ProcessStartInfo("node", "sdk-test.mjs")
        {
            WorkingDirectory = sdkDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["BASE_URL"] = site.BaseUrl, ["API_KEY"] = site.AdminApiKey },
        };

        // Act
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try { await node.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { node.Kill(entireProcessTree: true); }

        // Assert
        var output = $"exit {(node.HasExited ? node.ExitCode : -1)}\n--- stdout\n{await stdout}\n--- stderr\n{await stderr}";
        Assert.True(node.HasExited && node.ExitCode == 0, output);
    }

    /// <summary>The folder holding Gatehouse.slnx, found by walking up from the test binaries.</summary>
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Gatehouse.slnx not found above " + AppContext.BaseDirectory);
    }
}
