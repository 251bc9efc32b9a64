using Gatehouse.Tenancy;

namespace Gatehouse.Import;

/// <summary>
/// One bulk import of users from CSV (CONTRACT §5): its options, state and outcome. All state lives here, in the
/// database, so an import survives the browser closing and runs on whichever node claims it.
/// </summary>
public sealed class UserImport : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    /// <summary><see cref="ImportStatus"/>: validating, importing, completed, failed.</summary>
    public string Status { get; set; } = ImportStatus.Validating;
    public required string FileName { get; set; }
    public long FileBytes { get; set; }

    // Options chosen by the admin.
    public bool DryRun { get; set; }
    public bool UpdateExisting { get; set; }
    public bool CreateGroups { get; set; }

    // Progress of the current status: rows (or bytes while validating) done out of a total.
    public int TotalRows { get; set; }
    public int ProcessedRows { get; set; }
    public int Progress { get; set; }

    // Outcome counts (for a dry run: what would happen).
    public int CreatedCount { get; set; }
    public int UpdatedCount { get; set; }
    public int UnchangedCount { get; set; }
    public int GroupsCreatedCount { get; set; }
    public int PasswordRows { get; set; }
    public int ErrorCount { get; set; }
    public int WarningCount { get; set; }
    /// <summary>JSON array of <see cref="ImportIssue"/> (errors then warnings), at most <see cref="ImportOptions.MaxStoredIssues"/>.</summary>
    public string IssuesJson { get; set; } = "[]";
    /// <summary>Why the import failed when it is not the file's fault (the site changed under it, an outage).</summary>
    public string? FailureMessage { get; set; }

    // Who runs it: a node claims a queued import with a conditional UPDATE and keeps the heartbeat fresh.
    public string? ClaimedBy { get; set; }
    public DateTime? HeartbeatAt { get; set; }
    public int Attempts { get; set; }

    public long? CreatedByUserId { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

/// <summary>
/// The uploaded file, in chunks of <see cref="ImportFileStore.ChunkBytes"/>, so any node can stream it back without
/// the whole file in memory. Deleted once the import is done (it may hold passwords).
/// </summary>
public sealed class UserImportChunk
{
    public long ImportId { get; set; }
    public int Seq { get; set; }
    public required byte[] Data { get; set; }
}

public static class ImportStatus
{
    public const string Validating = "validating";
    public const string Importing = "importing";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public static bool IsDone(string s) => s is Completed or Failed;
}

/// <summary>One problem with the file: its line (the header is line 1; null for the whole file) and column.</summary>
public sealed record ImportIssue(int? Line, string? Column, string Message, string Severity = ImportIssue.Error)
{
    public const string Error = "error";
    public const string Warning = "warning";

    public override string ToString() =>
        (Line is { } l ? $"line {l}" : "file") + (Column is { } c ? $", {c}" : "") + $": {Message}";
}
