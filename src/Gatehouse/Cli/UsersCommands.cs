using System.CommandLine;
using Gatehouse.Import;
using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Cli;

/// <summary><c>users import|export</c> (CONTRACT §1, §5).</summary>
public static class UsersCommands
{
    public static Command Create()
    {
        var users = new Command("users", "Bulk import and export of a site's users (CSV).");
        users.Subcommands.Add(ImportCommand());
        users.Subcommands.Add(ExportCommand());
        return users;
    }

    private static Option<string> SiteOption() => new("--site") { Description = "The site's subdomain, e.g. acme.", Required = true };

    private static Command ImportCommand()
    {
        var site = SiteOption();
        var file = new Argument<FileInfo>("FILE") { Description = "The CSV file (header: username, authentication_method, password, …)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check every row and report; write nothing." };
        var update = new Option<bool>("--update") { Description = "Update users that already exist instead of refusing them." };
        var createGroups = new Option<bool>("--create-groups") { Description = "Create groups named in group_names that do not exist yet." };
        var cmd = new Command("import", "Import users from a CSV file: every row is checked first; a file with errors writes nothing.")
            { site, file, dryRun, update, createGroups };
        cmd.SetAction(async (parse, ct) =>
        {
            // 1. The file and the site, before anything else.
            var path = parse.GetValue(file)!;
            if (!path.Exists) { Console.Error.WriteLine($"error: no such file: {path.FullName}"); return 2; }
            await using var app = await CliHost.BuildAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<GatehouseDb>();
            var sub = parse.GetValue(site)!.Trim().ToLowerInvariant();
            var target = await db.Sites.FirstOrDefaultAsync(s => s.Subdomain == sub, ct);
            if (target is null) { Console.Error.WriteLine($"error: no site with subdomain \"{sub}\""); return 2; }
            sp.GetRequiredService<CurrentSite>().Set(target);

            // 2. Queue it, held by this process so no server node takes it, then run it here.
            var options = sp.GetRequiredService<IOptions<ImportOptions>>().Value;
            var node = $"cli:{Environment.MachineName}:{Environment.ProcessId}";
            UserImport? import;
            await using (var stream = path.OpenRead())
                import = await UserImports.CreateAsync(db, new CreateUserImportRequest(path.Name, stream, parse.GetValue(dryRun), parse.GetValue(update),
                    parse.GetValue(createGroups), null, $"cli ({Environment.UserName})", node), options, sp.GetRequiredService<TimeProvider>(), ct);
            if (import is null) { Console.Error.WriteLine($"error: the file is larger than {options.MaxFileBytes / (1024 * 1024)} MB"); return 2; }
            var board = sp.GetRequiredService<ImportProgressBoard>();
            var bar = new TerminalProgress();
            var run = sp.GetRequiredService<UserImportRunner>().RunAsync(import.Id, node, ct);
            while (!run.IsCompleted)
            {
                if (board.Get(import.Id) is { } live) bar.Draw(live);
                await Task.WhenAny(run, Task.Delay(200, ct));
            }
            await run;
            bar.Done();

            // 3. The outcome: every error by line, and an exit code scripts can test. A dry run here is never confirmed later.
            var done = (await UserImports.FindAsync(db, board, import.Id, ct))!;
            if (done.DryRun) await ImportFileStore.DeleteAsync(db, import.Id, ct);
            foreach (var issue in UserImports.Issues(done))
                (issue.Severity == ImportIssue.Error ? Console.Error : Console.Out).WriteLine($"{issue.Severity}: {issue}");
            if (done.ErrorCount > UserImports.Issues(done).Count(i => i.Severity == ImportIssue.Error))
                Console.Error.WriteLine($"… {done.ErrorCount:N0} errors in all; the first {options.MaxStoredIssues:N0} problems are listed.");
            if (done.Status == ImportStatus.Failed)
            {
                Console.Error.WriteLine(done.FailureMessage ?? $"error: the file has {done.ErrorCount:N0} error(s); nothing was imported.");
                return 1;
            }
            Console.WriteLine(done.DryRun
                ? $"Dry run: {done.TotalRows:N0} rows are valid: {done.CreatedCount:N0} users would be created, {done.UpdatedCount:N0} updated, {done.UnchangedCount:N0} unchanged, {done.GroupsCreatedCount:N0} groups created. Nothing was written."
                : $"Imported {done.TotalRows:N0} rows: {done.CreatedCount:N0} users created, {done.UpdatedCount:N0} updated, {done.UnchangedCount:N0} unchanged, {done.GroupsCreatedCount:N0} groups created.");
            return 0;
        });
        return cmd;
    }

    private static Command ExportCommand()
    {
        var site = SiteOption();
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var cmd = new Command("export", "Export a site's users in the import's CSV columns (no passwords or hashes).") { site, output };
        cmd.SetAction(async (parse, ct) =>
        {
            await using var app = await CliHost.BuildAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            var sub = parse.GetValue(site)!.Trim().ToLowerInvariant();
            var target = await db.Sites.FirstOrDefaultAsync(s => s.Subdomain == sub, ct);
            if (target is null) { Console.Error.WriteLine($"error: no site with subdomain \"{sub}\""); return 2; }
            scope.ServiceProvider.GetRequiredService<CurrentSite>().Set(target);
            await using var stream = parse.GetValue(output) is { } f ? f.Create() : Console.OpenStandardOutput();
            await UserExport.WriteAsync(db, stream, ct);
            return 0;
        });
        return cmd;
    }

    /// <summary>A one-line progress bar, redrawn in place on a terminal; silent when output is redirected.</summary>
    private sealed class TerminalProgress
    {
        private readonly bool _tty = !Console.IsErrorRedirected;
        private string _last = "";

        public void Draw(LiveProgress p)
        {
            if (!_tty) return;
            const int width = 30;
            var filled = p.Progress * width / 100;
            var what = p.Status == ImportStatus.Validating ? "checking " : "importing";
            var rows = p.TotalRows > 0 ? $" {p.ProcessedRows:N0}/{p.TotalRows:N0} rows" : "";
            var line = $"\r{what} [{new string('#', filled)}{new string('.', width - filled)}] {p.Progress,3}%{rows}";
            if (line == _last) return;
            _last = line;
            Console.Error.Write(line.PadRight(Math.Max(line.Length, 70)));
        }

        public void Done()
        {
            if (_tty && _last.Length > 0) Console.Error.WriteLine();
        }
    }
}
