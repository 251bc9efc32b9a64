namespace Gatehouse.Import;

/// <summary>Process-wide settings of bulk import, under <c>Gatehouse:Import</c>.</summary>
public sealed class ImportOptions
{
    public const string Section = "Gatehouse:Import";

    /// <summary>Largest file accepted, in bytes (100,000 users with passwords and SSH keys fit in well under this).</summary>
    public long MaxFileBytes { get; set; } = 64 * 1024 * 1024;
    /// <summary>Most data rows in one file: a limit of the service, reported as an error like any other.</summary>
    public int MaxRows { get; set; } = 250_000;
    /// <summary>Validation goes on after this many problems, but only this many are stored and shown.</summary>
    public int MaxStoredIssues { get; set; } = 10_000;
    /// <summary>Rows written per statement batch.</summary>
    public int BatchSize { get; set; } = 500;
    /// <summary>How often an idle worker looks for imports to claim.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>An import whose runner has not beaten for this long is taken over by another node (its transaction died with it).</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>Tries before an import that keeps losing its node is marked failed.</summary>
    public int MaxAttempts { get; set; } = 3;
    /// <summary>How long a clean dry run keeps its file, waiting to be confirmed.</summary>
    public TimeSpan DryRunFileLifetime { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Turns the background worker off (a node that should never run imports).</summary>
    public bool RunWorker { get; set; } = true;
}
