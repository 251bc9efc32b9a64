using Gatehouse.Accounts;

namespace Gatehouse.Import;

/// <summary>The outcome of checking a whole file: every problem, and what a clean file would do.</summary>
public sealed class ValidationResult
{
    public List<ImportIssue> Issues { get; } = [];
    public int ErrorCount { get; set; }
    public int WarningCount { get; set; }
    public int Rows { get; set; }
    public int Creates { get; set; }
    public int Updates { get; set; }
    public int Unchanged { get; set; }
    public int PasswordRows { get; set; }
    /// <summary>Groups the file names that do not exist yet: normalized name → the name as first written.</summary>
    public Dictionary<string, string> NewGroups { get; } = new(StringComparer.Ordinal);
    public bool IsClean => ErrorCount == 0;
}

/// <summary>
/// Checks every row of a file before anything is written: the per-row rules (<see cref="RowRules"/>) and the rules
/// across rows — a username, SSH key or a provider's external_id twice in the file, the row limit, and the last break-glass admin
/// (<see cref="AdminGuard"/>) in update mode. Streams the file; memory grows only with the usernames and keys seen.
/// </summary>
public static class ImportValidation
{
    public static ValidationResult Run(Stream file, SiteSnapshot site, ImportChoices choices, PasswordPolicy policy, ImportOptions options,
        Action<long>? bytesRead = null, CancellationToken ct = default)
    {
        var result = new ValidationResult();
        var rules = new RowRules(site, choices, policy);
        var rowIssues = new List<ImportIssue>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var keyLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var externalIdLine = new Dictionary<(long, string), int>();
        var breakGlass = new BreakGlassTally(site);

        using var reader = new UserCsvReader(file);
        var seenShapeIssues = 0;
        foreach (var row in reader.Rows())
        {
            ct.ThrowIfCancellationRequested();
            result.Rows++;
            if (result.Rows > options.MaxRows)
            {
                Add(result, new ImportIssue(row.Line, null, $"The file has more than {options.MaxRows:N0} rows, the most one import takes. Split it into several files."), options);
                break;
            }
            rowIssues.Clear();
            var plan = rules.Interpret(row, rowIssues);
            if (plan is not null)
            {
                if (firstLine.TryGetValue(plan.Normalized, out var first))
                {
                    rowIssues.Add(new ImportIssue(row.Line, ImportColumns.Username, $"appears more than once in the file (first on line {first})"));
                    plan = null;
                }
                else
                {
                    foreach (var key in plan.Keys)
                        if (!keyLine.TryAdd(key.FingerprintSha256, row.Line))
                        {
                            rowIssues.Add(new ImportIssue(row.Line, ImportColumns.SshKey, $"is also given on line {keyLine[key.FingerprintSha256]} (fingerprint SHA256:{key.FingerprintSha256})"));
                            plan = null;
                        }
                    if (plan is { ExternalId: { } externalId, SsoStrategyId: { } sid } && !externalIdLine.TryAdd((sid, externalId), row.Line))
                    {
                        rowIssues.Add(new ImportIssue(row.Line, ImportColumns.ExternalId, $"is also given on line {externalIdLine[(sid, externalId)]} for the same provider"));
                        plan = null;
                    }
                }
            }
            // A username seen on a bad row still counts, so its duplicates are reported too.
            if (row[0]?.Trim() is { Length: > 0 } u) firstLine.TryAdd(User.Normalize(u), row.Line);
            foreach (var issue in rowIssues) Add(result, issue, options);

            if (plan is not null)
            {
                if (plan.Creates) result.Creates++;
                else if (plan.ChangesUser || plan.Keys.Count > 0 || site.JoinsNewGroup(plan)) result.Updates++;
                else result.Unchanged++;
                if (plan.Password is not null) result.PasswordRows++;
                foreach (var (g, name) in plan.Groups)
                    if (!site.Groups.ContainsKey(g)) result.NewGroups.TryAdd(g, name);
                breakGlass.Apply(plan);
            }
            // Header and shape problems the reader found on the way (stray quotes, extra fields).
            for (; seenShapeIssues < reader.Issues.Count; seenShapeIssues++) Add(result, reader.Issues[seenShapeIssues], options);
            if ((result.Rows & 1023) == 0) bytesRead?.Invoke(reader.Position);
        }
        for (; seenShapeIssues < reader.Issues.Count; seenShapeIssues++) Add(result, reader.Issues[seenShapeIssues], options);
        if (reader.HeaderOk && result.Rows == 0)
            Add(result, new ImportIssue(null, null, "The file has a header but no users."), options);
        if (!breakGlass.Holds)
            Add(result, new ImportIssue(breakGlass.LastRemoval, ImportColumns.SiteAdmin, AdminGuard.Message), options);
        // By line, file-wide problems first; a stable sort keeps each line's issues in column order.
        var sorted = result.Issues.OrderBy(i => i.Line ?? 0).ToList();
        result.Issues.Clear();
        result.Issues.AddRange(sorted);
        return result;
    }

    private static void Add(ValidationResult result, ImportIssue issue, ImportOptions options)
    {
        if (issue.Severity == ImportIssue.Error) result.ErrorCount++; else result.WarningCount++;
        if (result.Issues.Count < options.MaxStoredIssues) result.Issues.Add(issue);
    }
}
