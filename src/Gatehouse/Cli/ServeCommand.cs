using System.CommandLine;
using Gatehouse.Hosting;
using Gatehouse.Persistence;

namespace Gatehouse.Cli;

public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on (default http://localhost:5080)." };
        var cmd = new Command("serve", "Run the web server (applies database migrations first).") { TreatUnmatchedTokensAsErrors = false };
        cmd.Options.Add(urls);
        cmd.SetAction(async (parse, ct) =>
        {
            var hostArgs = parse.UnmatchedTokens.ToList();
            if (parse.GetValue(urls) is { } u) hostArgs.AddRange(["--urls", u]);
            var app = GatehouseHost.Build([.. hostArgs]);
            await CliHost.MigrateAsync(app.Services, ct);
            await app.RunAsync(ct);
            return 0;
        });
        return cmd;
    }
}

public static class MigrateCommand
{
    public static Command Create()
    {
        var cmd = new Command("migrate", "Apply pending database migrations and exit.");
        cmd.SetAction(async (parse, ct) =>
        {
            var app = GatehouseHost.Build([]);
            await CliHost.MigrateAsync(app.Services, ct);
            Console.WriteLine("Database is up to date.");
            return 0;
        });
        return cmd;
    }
}

public static class CliHost
{
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<GatehouseDb>(), ct);
    }

    /// <summary>A host for one CLI verb: configuration and services, quiet logs, migrations applied.</summary>
    public static async Task<WebApplication> BuildAsync(CancellationToken ct)
    {
        var app = GatehouseHost.Build([], b =>
        {
            // stdout is for the verb's output (e.g. --json); logs go to stderr.
            b.Logging.ClearProviders();
            b.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await MigrateAsync(app.Services, ct);
        return app;
    }
}
