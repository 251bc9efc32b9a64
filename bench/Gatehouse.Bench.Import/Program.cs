using System.Diagnostics;
using System.Text;
using Gatehouse.Accounts;
using Gatehouse.Cli;
using Gatehouse.Hosting;
using Gatehouse.Import;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// Usage: dotnet run -c Release --project bench/Gatehouse.Bench.Import -- [--rows 100000] [--passwords 400] [--db sqlite|postgres]
// PostgreSQL: GATEHOUSE_BENCH_PG="Host=127.0.0.1;Port=...;Username=postgres;Database=postgres" (a fresh database is created in it).
var rows = Arg("--rows", 100_000);
var passwordRows = Arg("--passwords", 400);
var postgres = args.SkipWhile(a => a != "--db").Skip(1).FirstOrDefault() is "postgres" or "postgresql";
var dir = Path.Combine(Path.GetTempPath(), "gatehouse-bench-import", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(dir);

var config = new Dictionary<string, string?> { ["Gatehouse:DataDirectory"] = dir, ["Gatehouse:Import:RunWorker"] = "false" };
if (postgres)
{
    var admin = Environment.GetEnvironmentVariable("GATEHOUSE_BENCH_PG") ?? throw new InvalidOperationException("Set GATEHOUSE_BENCH_PG.");
    var name = "gh_bench_" + Guid.NewGuid().ToString("N")[..10];
    await using (var conn = new Npgsql.NpgsqlConnection(admin))
    {
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", conn);
        await cmd.ExecuteNonQueryAsync();
    }
    config["Gatehouse:Database:Provider"] = "postgres";
    config["ConnectionStrings:Gatehouse"] = new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
}

await using var app = GatehouseHost.Build([], b =>
{
    b.Configuration.AddInMemoryCollection(config);
    b.Logging.ClearProviders();
    b.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Error);
});
await CliHost.MigrateAsync(app.Services, CancellationToken.None);

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; database: {(postgres ? "PostgreSQL" : "SQLite")}");
await RunAsync($"{rows:N0} SSO-method rows", SsoCsv(rows), expectPasswords: false);
if (passwordRows > 0) await RunAsync($"{passwordRows:N0} password rows", PasswordCsv(passwordRows), expectPasswords: true);
Console.WriteLine($"peak working set of the whole process: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
try { Directory.Delete(dir, true); } catch (IOException) { }
return;

async Task RunAsync(string what, string file, bool expectPasswords)
{
    await using var scope = app.Services.CreateAsyncScope();
    var sp = scope.ServiceProvider;
    var site = await CreateSiteAsync(sp);
    var db = sp.GetRequiredService<GatehouseDb>();
    sp.GetRequiredService<CurrentSite>().Set(site);
    var options = sp.GetRequiredService<IOptions<ImportOptions>>().Value;
    var time = sp.GetRequiredService<TimeProvider>();

    // The validation pass alone (the same code the run starts with), to split its cost from the writes.
    var snapshot = await SiteSnapshot.LoadAsync(db, site, sp.GetRequiredService<IOptions<PlanOptions>>().Value, default);
    var v = Stopwatch.StartNew();
    await using (var f = File.OpenRead(file))
        ImportValidation.Run(f, snapshot, new ImportChoices(false, true), sp.GetRequiredService<PasswordPolicy>(), options);
    Console.WriteLine($"  validation alone: {v.Elapsed.TotalSeconds:F2} s");

    GC.Collect();
    var before = Process.GetCurrentProcess().WorkingSet64;
    var clock = Stopwatch.StartNew();
    UserImport import;
    await using (var stream = File.OpenRead(file))
        import = (await UserImports.CreateAsync(db, new CreateUserImportRequest("bench.csv", stream, false, false, true, null, "bench", "bench"), options, time, default))!;
    var stored = clock.Elapsed;
    await sp.GetRequiredService<UserImportRunner>().RunAsync(import.Id, "bench", default);
    clock.Stop();
    var done = await db.Set<UserImport>().AsNoTracking().FirstAsync(i => i.Id == import.Id);
    var count = await db.Users.CountAsync();
    if (done.Status != ImportStatus.Completed) throw new InvalidOperationException($"import {done.Status}: {done.FailureMessage} {done.IssuesJson[..Math.Min(500, done.IssuesJson.Length)]}");
    Console.WriteLine($"{what}: {clock.Elapsed.TotalSeconds:F2} s end to end (upload stored in {stored.TotalSeconds:F2} s), " +
                      $"{done.TotalRows / clock.Elapsed.TotalSeconds:N0} rows/s; {done.CreatedCount:N0} created, {count:N0} users on the site; " +
                      $"working set {before / (1024 * 1024)} → peak {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
    if (expectPasswords)
    {
        // The hashing phase alone, the same code path, to give its rate apart from the writes.
        var hashing = sp.GetRequiredService<PasswordHashing>();
        var h = Stopwatch.StartNew();
        await using var again = File.OpenRead(file);
        var hashes = PasswordBatchHasher.HashAll(again, hashing);
        h.Stop();
        Console.WriteLine($"  password hashing alone: {hashes.Count:N0} hashes in {h.Elapsed.TotalSeconds:F2} s = {hashes.Count / h.Elapsed.TotalSeconds:N1} rows/s on {Environment.ProcessorCount} cores");
    }
}

async Task<Site> CreateSiteAsync(IServiceProvider sp)
{
    var result = await CreateSite.HandleAsync(sp, new CreateSiteRequest("bench-" + Guid.NewGuid().ToString("N")[..8], PlanNames.Premier, "admin", "Bench-Admin-Pass-01"), default);
    if (result.Error is not null) throw new InvalidOperationException(result.Error);
    await using var scope = sp.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
    var site = await db.Sites.FirstAsync(s => s.Id == result.SiteId);
    scope.ServiceProvider.GetRequiredService<CurrentSite>().Set(site);
    db.SsoStrategies.Add(new SsoStrategy { Provider = "okta", Protocol = "saml", Label = "Okta", LabelNormalized = "okta", Enabled = true });
    await db.SaveChangesAsync();
    return site;
}

string SsoCsv(int n)
{
    var path = Path.Combine(dir, $"sso-{n}.csv");
    using var w = new StreamWriter(path, false, new UTF8Encoding(false));
    w.Write("username,authentication_method,email,name,company,group_names,site_admin\r\n");
    for (var i = 0; i < n; i++)
        w.Write($"user{i:D6},Okta,user{i:D6}@example.com,User {i},\"Example, Inc\",Team {i % 20},false\r\n");
    return path;
}

string PasswordCsv(int n)
{
    var path = Path.Combine(dir, $"pw-{n}.csv");
    using var w = new StreamWriter(path, false, new UTF8Encoding(false));
    w.Write("username,authentication_method,password,email\r\n");
    for (var i = 0; i < n; i++) w.Write($"pwuser{i:D6},password,Bench-Pass-{i:D6}-Zq,pw{i}@example.com\r\n");
    return path;
}

int Arg(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v && int.TryParse(v, out var n) ? n : fallback;
