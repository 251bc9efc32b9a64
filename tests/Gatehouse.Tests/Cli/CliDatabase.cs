using Gatehouse.Tests.Hosting;

namespace Gatehouse.Tests.Cli;

/// <summary>A fresh database of the suite's kind for the CLI tests, migrated once; each test uses its own subdomains.</summary>
public sealed class CliDatabase : IAsyncLifetime
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "gatehouse-tests", "cli-" + Guid.NewGuid().ToString("N"));
    public IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        Environment = await GatehouseProgram.FreshEnvironmentAsync(DataDirectory);
        var migrate = await RunAsync("migrate");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
    }

    public Task<CliResult> RunAsync(params string[] args) => GatehouseProgram.RunAsync(Environment, DataDirectory, args);

    public static string NewSubdomain(string prefix = "cli") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public Task DisposeAsync()
    {
        try { Directory.Delete(DataDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}
