using System.Text.Json;
using Gatehouse.Api;
using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Import;

public sealed record CreateUserImportRequest(string FileName, Stream File, bool DryRun, bool UpdateExisting, bool CreateGroups,
    long? CreatedByUserId, string? CreatedBy, string? ClaimedBy = null);

/// <summary>Queueing, confirming and reading imports: what the API, the pages and the CLI share.</summary>
public static class UserImports
{
    /// <summary>
    /// Stores the file and queues the import, in one transaction so no worker ever sees half a file. With
    /// <see cref="CreateUserImportRequest.ClaimedBy"/> the caller runs it itself (the CLI) and no worker takes it.
    /// Returns null when the file is larger than allowed.
    /// </summary>
    public static async Task<UserImport?> CreateAsync(GatehouseDb db, CreateUserImportRequest request, ImportOptions options, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var name = Path.GetFileName(request.FileName ?? "").Trim();
        var import = new UserImport
        {
            FileName = name.Length == 0 ? "users.csv" : name.Length > 256 ? name[..256] : name,
            DryRun = request.DryRun, UpdateExisting = request.UpdateExisting, CreateGroups = request.CreateGroups,
            CreatedByUserId = request.CreatedByUserId, CreatedBy = request.CreatedBy, CreatedAt = now,
            ClaimedBy = request.ClaimedBy, HeartbeatAt = request.ClaimedBy is null ? null : now, Attempts = request.ClaimedBy is null ? 0 : 1,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Set<UserImport>().Add(import);
        await db.SaveChangesAsync(ct);
        var size = await ImportFileStore.SaveAsync(db, import.Id, request.File, options.MaxFileBytes, ct);
        if (size is null) return null; // rolled back with the transaction
        await db.Set<UserImport>().Where(i => i.Id == import.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.FileBytes, size.Value), ct);
        import.FileBytes = size.Value;
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return import;
    }

    /// <summary>Turns a clean dry run into the real import of the same file (the file is validated again first: the site may have changed).</summary>
    public static async Task<bool> ConfirmAsync(GatehouseDb db, long importId, CancellationToken ct)
    {
        if (!await db.Set<UserImportChunk>().AnyAsync(c => c.ImportId == importId, ct)) return false; // the file has expired
        var changed = await db.Set<UserImport>()
            .Where(i => i.Id == importId && i.DryRun && i.Status == ImportStatus.Completed && i.ErrorCount == 0)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.DryRun, false).SetProperty(i => i.Status, ImportStatus.Validating)
                .SetProperty(i => i.ClaimedBy, (string?)null).SetProperty(i => i.HeartbeatAt, (DateTime?)null).SetProperty(i => i.Attempts, 0)
                .SetProperty(i => i.Progress, 0).SetProperty(i => i.ProcessedRows, 0).SetProperty(i => i.CompletedAt, (DateTime?)null), ct);
        return changed == 1;
    }

    public static async Task<UserImport?> FindAsync(GatehouseDb db, ImportProgressBoard board, long id, CancellationToken ct)
    {
        var import = await db.Set<UserImport>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (import is not null) board.Overlay(import);
        return import;
    }

    public static IReadOnlyList<ImportIssue> Issues(UserImport import) =>
        JsonSerializer.Deserialize<List<ImportIssue>>(import.IssuesJson, ApiJson.Options) ?? [];

    public static string IssuesToJson(IEnumerable<ImportIssue> issues) => JsonSerializer.Serialize(issues, ApiJson.Options);

    /// <summary>The REST representation (snake_case through <see cref="ApiJson"/>).</summary>
    public static Dictionary<string, object?> ToJson(UserImport i)
    {
        var issues = Issues(i);
        return new Dictionary<string, object?>
        {
            ["id"] = i.Id,
            ["status"] = i.Status,
            ["dry_run"] = i.DryRun,
            ["update_existing"] = i.UpdateExisting,
            ["create_groups"] = i.CreateGroups,
            ["file_name"] = i.FileName,
            ["file_size"] = i.FileBytes,
            ["total_rows"] = i.TotalRows,
            ["processed_rows"] = i.ProcessedRows,
            ["progress"] = i.Progress,
            ["created_count"] = i.CreatedCount,
            ["updated_count"] = i.UpdatedCount,
            ["unchanged_count"] = i.UnchangedCount,
            ["groups_created_count"] = i.GroupsCreatedCount,
            ["password_rows"] = i.PasswordRows,
            ["error_count"] = i.ErrorCount,
            ["warning_count"] = i.WarningCount,
            ["errors"] = issues.Where(x => x.Severity == ImportIssue.Error).Select(IssueJson).ToList(),
            ["warnings"] = issues.Where(x => x.Severity == ImportIssue.Warning).Select(IssueJson).ToList(),
            ["failure_message"] = i.FailureMessage,
            ["created_by"] = i.CreatedBy,
            ["created_at"] = i.CreatedAt,
            ["started_at"] = i.StartedAt,
            ["completed_at"] = i.CompletedAt,
        };
    }

    private static Dictionary<string, object?> IssueJson(ImportIssue x) =>
        new() { ["line"] = x.Line, ["column"] = x.Column, ["message"] = x.Message };
}
