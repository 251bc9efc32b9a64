using System.Diagnostics;
using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Import;

/// <summary>
/// Runs one claimed import to its end, as a numbered recipe: validate every row → (dry run: stop) → hash the
/// passwords on all cores → write everything in one transaction → revoke sessions whose sign-in method changed →
/// audit. The outcome and progress go to the <c>user_imports</c> row; the file is deleted when done.
/// </summary>
public sealed class UserImportRunner(IServiceScopeFactory scopes, ImportProgressBoard board, IOptions<ImportOptions> options,
    IOptions<PlanOptions> plans, PasswordHashing hashing, PasswordPolicy policy, TimeProvider time, ILogger<UserImportRunner> log)
{
    public async Task RunAsync(long importId, string node, CancellationToken ct)
    {
        var o = options.Value;
        var clock = Stopwatch.StartNew();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var import = await db.Set<UserImport>().IgnoreQueryFilters().AsNoTracking().FirstAsync(i => i.Id == importId, ct);
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == import.SiteId, ct);
        scope.ServiceProvider.GetRequiredService<CurrentSite>().Set(site);
        var choices = new ImportChoices(import.UpdateExisting, import.CreateGroups);
        var sqlite = db.Database.IsSqlite();
        var progress = new ProgressWriter(board, scopes, log, importId, node);

        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var beating = BeatAsync(importId, node, heartbeat.Token);
        try
        {
            // 1. Validate every row; nothing is written yet.
            await SaveAsync(importId, node, s => s.SetProperty(i => i.Status, ImportStatus.Validating).SetProperty(i => i.StartedAt, time.GetUtcNow().UtcDateTime)
                .SetProperty(i => i.FailureMessage, (string?)null), ct);
            var snapshot = await SiteSnapshot.LoadAsync(db, site, plans.Value, ct);
            ValidationResult validation;
            await using (var file = OpenFile(importId))
                validation = await Task.Run(() => ImportValidation.Run(file, snapshot, choices, policy, o,
                    bytes => progress.Report(ImportStatus.Validating, 0, 0, Percent(bytes, import.FileBytes)), ct), ct);
            var issuesJson = UserImports.IssuesToJson(validation.Issues);
            var outcome = !validation.IsClean ? ImportStatus.Failed : import.DryRun ? ImportStatus.Completed : ImportStatus.Importing;
            await SaveAsync(importId, node, s => s
                .SetProperty(i => i.Status, outcome).SetProperty(i => i.IssuesJson, issuesJson)
                .SetProperty(i => i.ErrorCount, validation.ErrorCount).SetProperty(i => i.WarningCount, validation.WarningCount)
                .SetProperty(i => i.TotalRows, validation.Rows).SetProperty(i => i.ProcessedRows, outcome == ImportStatus.Importing ? 0 : validation.Rows)
                .SetProperty(i => i.Progress, outcome == ImportStatus.Importing ? 0 : 100)
                .SetProperty(i => i.CreatedCount, validation.Creates).SetProperty(i => i.UpdatedCount, validation.Updates)
                .SetProperty(i => i.UnchangedCount, validation.Unchanged).SetProperty(i => i.GroupsCreatedCount, validation.NewGroups.Count)
                .SetProperty(i => i.PasswordRows, validation.PasswordRows)
                .SetProperty(i => i.CompletedAt, outcome == ImportStatus.Importing ? (DateTime?)null : time.GetUtcNow().UtcDateTime), ct);
            if (outcome != ImportStatus.Importing)
            {
                // A clean dry run keeps its file for a while, to be confirmed; otherwise the file (and its passwords) goes now.
                if (outcome == ImportStatus.Failed) await ImportFileStore.DeleteAsync(db, importId, ct);
                ImportLog.Finished(log, importId, outcome, validation.Rows, validation.ErrorCount, 0, 0, clock.ElapsedMilliseconds);
                return;
            }

            // 2. Hash the passwords, before the transaction: PBKDF2 is slow on purpose.
            var work = Math.Max(1, validation.PasswordRows + validation.Rows);
            var hashes = validation.PasswordRows == 0 ? new Dictionary<int, string>() : await Task.Run(() =>
            {
                using var file = OpenFile(importId);
                return PasswordBatchHasher.HashAll(file, hashing, n => progress.Report(ImportStatus.Importing, n, validation.Rows, Percent(n, work)), ct);
            }, ct);

            // 3. Write it all in one transaction. On SQLite the transaction holds the only write lock, so progress stays on this node's board.
            progress.DatabaseQuiet = sqlite;
            var writer = ActivatorUtilities.CreateInstance<ImportWriter>(scope.ServiceProvider, plans.Value, o);
            WriteResult result;
            await using (var file = OpenFile(importId))
                result = await writer.WriteAsync(site, file, hashes, choices,
                    n => progress.Report(ImportStatus.Importing, n, validation.Rows, Percent(validation.PasswordRows + n, work)), ct);
            progress.DatabaseQuiet = false;

            // 4. Users whose way of signing in changed lose their open sessions, as through the users API.
            var sessions = scope.ServiceProvider.GetRequiredService<SessionService>();
            foreach (var userId in result.MethodChangedUserIds)
                await sessions.RevokeAllForUserAsync(userId, "authentication_method_changed", ct);

            // 5. Audit, record the outcome, drop the file.
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            audit.Add(SsoEventTypes.AccountChange, true, "bulk_import",
                $"Import {importId} ({import.FileName}) by {import.CreatedBy ?? "unknown"}: {result.Created} created, {result.Updated} updated, {result.GroupsCreated} groups created",
                import.CreatedByUserId, import.CreatedBy, import.CreatedByUserId is null ? "cli" : "web");
            await db.SaveChangesAsync(ct);
            await SaveAsync(importId, node, s => s.SetProperty(i => i.Status, ImportStatus.Completed)
                .SetProperty(i => i.ProcessedRows, validation.Rows).SetProperty(i => i.Progress, 100)
                .SetProperty(i => i.CreatedCount, result.Created).SetProperty(i => i.UpdatedCount, result.Updated)
                .SetProperty(i => i.UnchangedCount, result.Unchanged).SetProperty(i => i.GroupsCreatedCount, result.GroupsCreated)
                .SetProperty(i => i.CompletedAt, time.GetUtcNow().UtcDateTime), ct);
            await ImportFileStore.DeleteAsync(db, importId, ct);
            ImportLog.Finished(log, importId, ImportStatus.Completed, validation.Rows, 0, result.Created, result.Updated, clock.ElapsedMilliseconds);
        }
        catch (ImportConflictException conflict)
        {
            ImportLog.Conflict(log, importId, conflict.Issue.ToString());
            await FailAsync(importId, node, "The site changed while the file was being imported, so nothing was imported. Run the import again.",
                [conflict.Issue], CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the transaction rolled back; hand the import to whichever node comes next.
            await ReleaseAsync(importId, node);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ImportLog.Failed(log, e, importId);
            await FailAsync(importId, node, "The import failed on our side and was rolled back: nothing was imported. Try again; if it keeps failing, contact support.", [], CancellationToken.None);
        }
        finally
        {
            await heartbeat.CancelAsync();
            await beating;
            board.Clear(importId);
        }
    }

    private ImportFileStream OpenFile(long importId) => new(scopes, importId);

    private static int Percent(long done, long total) => total <= 0 ? 0 : (int)Math.Clamp(done * 100 / total, 0, 100);

    private async Task FailAsync(long importId, string node, string message, List<ImportIssue> issues, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var json = UserImports.IssuesToJson(issues);
        await db.Set<UserImport>().IgnoreQueryFilters().Where(i => i.Id == importId && i.ClaimedBy == node)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ImportStatus.Failed).SetProperty(i => i.FailureMessage, message)
                .SetProperty(i => i.IssuesJson, json).SetProperty(i => i.ErrorCount, issues.Count)
                .SetProperty(i => i.CreatedCount, 0).SetProperty(i => i.UpdatedCount, 0).SetProperty(i => i.GroupsCreatedCount, 0)
                .SetProperty(i => i.CompletedAt, time.GetUtcNow().UtcDateTime), ct);
        await ImportFileStore.DeleteAsync(db, importId, ct);
    }

    private async Task ReleaseAsync(long importId, string node)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        await db.Set<UserImport>().IgnoreQueryFilters().Where(i => i.Id == importId && i.ClaimedBy == node)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ClaimedBy, (string?)null).SetProperty(i => i.Status, ImportStatus.Validating), CancellationToken.None);
        ImportLog.Released(log, importId, node);
    }

    /// <summary>Writes to the import's row, only while this node still holds it.</summary>
    private async Task SaveAsync(long importId, string node,
        Func<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<UserImport>, Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<UserImport>> set, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var n = await db.Set<UserImport>().IgnoreQueryFilters().Where(i => i.Id == importId && i.ClaimedBy == node)
            .ExecuteUpdateAsync(s => set(s).SetProperty(i => i.HeartbeatAt, time.GetUtcNow().UtcDateTime), ct);
        if (n == 0) throw new InvalidOperationException($"Import {importId} is no longer held by {node}.");
    }

    /// <summary>Keeps the claim fresh so no other node takes over a live run.</summary>
    private async Task BeatAsync(long importId, string node, CancellationToken ct)
    {
        var every = options.Value.StaleAfter / 4;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, time, ct);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
                await db.Set<UserImport>().IgnoreQueryFilters().Where(i => i.Id == importId && i.ClaimedBy == node)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.HeartbeatAt, time.GetUtcNow().UtcDateTime), ct);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException) { ImportLog.ProgressNotSaved(log, e, importId); }
        }
    }

    /// <summary>Progress to the board at once, and to the database at most a few times a second.</summary>
    private sealed class ProgressWriter(ImportProgressBoard board, IServiceScopeFactory scopes, ILogger log, long importId, string node)
    {
        private long _lastSaved;
        private Task _saving = Task.CompletedTask;
        public bool DatabaseQuiet { get; set; }

        public void Report(string status, int processed, int total, int percent)
        {
            board.Set(importId, new LiveProgress(status, processed, total, percent));
            var now = Environment.TickCount64;
            if (DatabaseQuiet || now - _lastSaved < 400 || !_saving.IsCompleted) return;
            _lastSaved = now;
            _saving = SaveAsync(status, processed, total, percent);
        }

        private async Task SaveAsync(string status, int processed, int total, int percent)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
                await db.Set<UserImport>().IgnoreQueryFilters().Where(i => i.Id == importId && i.ClaimedBy == node && i.Status == status)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.ProcessedRows, processed).SetProperty(i => i.Progress, percent)
                        .SetProperty(i => i.TotalRows, i => total > 0 ? total : i.TotalRows));
            }
            catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
            {
                ImportLog.ProgressNotSaved(log, e, importId);
            }
        }
    }
}
