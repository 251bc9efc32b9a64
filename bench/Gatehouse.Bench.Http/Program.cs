using System.Globalization;
using System.Net.Http.Json;
using Gatehouse.Bench.Http;
using Npgsql;

// Gatehouse HTTP load figures (bench/README.md). Usage:
//   dotnet run -c Release --project bench/Gatehouse.Bench.Http -- [--duration 15] [--concurrency 16] [--pg "Host=…;Username=…;Password=…;Database=postgres"]
// For each database: start `gatehouse serve`, create a site with the CLI, seed users through the REST API,
// then measure GET /healthz (baseline), GET /login and GET /api/rest/v1/users.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var options = BenchOptions.Parse(args);
Console.WriteLine($"Gatehouse HTTP bench: {Environment.ProcessorCount} CPUs, {options.Concurrency} concurrent clients, " +
                  $"{options.Warmup.TotalSeconds:0} s warm-up + {options.Duration.TotalSeconds:0} s per scenario, {options.Users} seeded users, {DateTime.UtcNow:yyyy-MM-dd}");

var results = new List<(string Database, LoadResult Result)>();
var scratch = Path.Combine(Path.GetTempPath(), "gatehouse-bench-" + Guid.NewGuid().ToString("N")[..8]);
try
{
    results.AddRange((await RunDatabase("SQLite", new() { ["Gatehouse__Database__Provider"] = "sqlite", ["Gatehouse__DataDirectory"] = Path.Combine(scratch, "sqlite") }))
        .Select(r => ("SQLite", r)));
    if (options.PostgresAdmin is { } admin)
    {
        var name = "gh_bench_" + Guid.NewGuid().ToString("N")[..8];
        await Exec(admin, $"CREATE DATABASE {name}");
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            results.AddRange((await RunDatabase("PostgreSQL", new()
            {
                ["Gatehouse__Database__Provider"] = "postgres", ["ConnectionStrings__Gatehouse"] = cs, ["Gatehouse__DataDirectory"] = Path.Combine(scratch, "pg"),
            })).Select(r => ("PostgreSQL", r)));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Exec(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }
    else Console.WriteLine("(no --pg connection string or GATEHOUSE_BENCH_PG: PostgreSQL skipped)");
}
finally
{
    if (Directory.Exists(scratch)) Directory.Delete(scratch, true);
}

Console.WriteLine();
Console.WriteLine("| database | scenario | requests/s | p50 ms | p99 ms | errors | vs /healthz |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var group in results.GroupBy(r => r.Database))
{
    var baseline = group.First(r => r.Result.Scenario.Contains("healthz")).Result.RequestsPerSecond;
    foreach (var (db, r) in group)
        Console.WriteLine($"| {db} | {r.Scenario} | {r.RequestsPerSecond:0} | {r.P50Ms:0.0} | {r.P99Ms:0.0} | {r.Errors} | {r.RequestsPerSecond / baseline:0.00}× |");
}
return results.Any(r => r.Result.Errors > 0) ? 1 : 0;

async Task<List<LoadResult>> RunDatabase(string label, Dictionary<string, string> env)
{
    Directory.CreateDirectory(env["Gatehouse__DataDirectory"]);
    Console.WriteLine($"\n[{label}] starting Gatehouse…");
    using var server = await GatehouseProcess.StartAsync(env);
    var (subdomain, apiKey) = await GatehouseProcess.CreateSiteAsync(env, "bench");
    var host = $"{subdomain}.localhost";
    using var client = server.Client(host, options.Concurrency);

    Console.WriteLine($"[{label}] seeding {options.Users} users through POST /api/rest/v1/users…");
    var seeded = System.Diagnostics.Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(1, options.Users), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, "/api/rest/v1/users")
        {
            Content = JsonContent.Create(new { username = $"user{i:0000}", email = $"user{i:0000}@example.com", name = $"User {i}", authentication_method = "none" }),
        };
        req.Headers.Add("X-FilesAPI-Key", apiKey);
        using var r = await client.SendAsync(req, ct);
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"seeding user {i}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(ct)}");
    });
    Console.WriteLine($"[{label}] seeded in {seeded.Elapsed.TotalSeconds:0.0} s ({options.Users / seeded.Elapsed.TotalSeconds:0} users/s)");

    var scenarios = new (string Name, Func<HttpRequestMessage> Request)[]
    {
        ("GET /healthz (baseline)", () => new HttpRequestMessage(HttpMethod.Get, "/healthz")),
        ("GET /login", () => new HttpRequestMessage(HttpMethod.Get, "/login")),
        ($"GET /api/rest/v1/users ({options.Users + 1} users, default per_page)", () =>
        {
            var m = new HttpRequestMessage(HttpMethod.Get, "/api/rest/v1/users");
            m.Headers.Add("X-FilesAPI-Key", apiKey);
            return m;
        }),
    };
    var results = new List<LoadResult>();
    foreach (var (name, request) in scenarios)
    {
        var r = await LoadRun.RunAsync(name, client, request, options.Concurrency, options.Warmup, options.Duration);
        Console.WriteLine($"[{label}] {name}: {r.RequestsPerSecond:0} req/s, p50 {r.P50Ms:0.0} ms, p99 {r.P99Ms:0.0} ms, {r.Errors} errors");
        results.Add(r);
    }
    return results;
}

static async Task Exec(string connectionString, string sql)
{
    await using var conn = new NpgsqlConnection(connectionString);
    await conn.OpenAsync();
    await using var cmd = new NpgsqlCommand(sql, conn);
    await cmd.ExecuteNonQueryAsync();
}
