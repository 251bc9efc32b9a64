using System.Text.Json.Nodes;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Hosting;

/// <summary>
/// Two <c>serve</c> processes on one database: a fresh PostgreSQL database, or on SQLite one shared data
/// directory (<c>GATEHOUSE_TEST_DB</c> decides). Node 2 starts once node 1 is healthy, so these tests are about
/// shared state; starting both at once on an empty database is <see cref="TwoNodeTests.Startup_TwoNodesAtOnceOnFreshDatabase_BothBecomeHealthy"/>.
/// </summary>
public sealed class TwoNodeCluster : IAsyncLifetime
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "gatehouse-tests", "two-node-" + Guid.NewGuid().ToString("N"));
    public IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();
    public GatehouseNode Node1 { get; private set; } = null!;
    public GatehouseNode Node2 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Environment = await GatehouseProgram.FreshEnvironmentAsync(DataDirectory);
        Node1 = GatehouseNode.Start("node 1", Environment, DataDirectory);
        await Node1.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        Node2 = GatehouseNode.Start("node 2", Environment, DataDirectory);
        await Node2.WaitHealthyAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>Creates a site through the operator CLI (<c>sites create --json</c>) against the cluster's database.</summary>
    public async Task<CliSite> CreateSiteAsync()
    {
        var subdomain = "two-" + Guid.NewGuid().ToString("N")[..10];
        const string password = "Two-Node-Pass-0123";
        var result = await GatehouseProgram.RunAsync(Environment, DataDirectory,
            "sites", "create", "--subdomain", subdomain, "--plan", "premier", "--admin-username", "admin", "--admin-password", password, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.StdOut)!;
        return new CliSite((long)json["site_id"]!, (string)json["subdomain"]!, (long)json["admin_user_id"]!, "admin", password, (string)json["api_key"]!);
    }

    public async Task DisposeAsync()
    {
        if (Node1 is not null) await Node1.DisposeAsync();
        if (Node2 is not null) await Node2.DisposeAsync();
        try { Directory.Delete(DataDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed record CliSite(long Id, string Subdomain, long AdminUserId, string AdminUsername, string AdminPassword, string ApiKey);
