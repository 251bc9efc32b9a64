using System.Globalization;
using System.Text;
using CsvHelper;
using Gatehouse.Import;
using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Pages.Admin.Import;

/// <summary>The import's report as CSV: a summary, then every stored error and warning by line and column.</summary>
public sealed class ReportModel(GatehouseDb db, ImportProgressBoard board) : PageModel
{
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await UserImports.FindAsync(db, board, id, ct) is not { } i) return NotFound();
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var h in new[] { "line", "column", "severity", "message" }) csv.WriteField(h);
            csv.NextRecord();
            void Info(string message) { csv.WriteField(""); csv.WriteField(""); csv.WriteField("info"); csv.WriteField(message); csv.NextRecord(); }
            Info($"{i.FileName}: {i.Status}{(i.DryRun ? " (dry run)" : "")}, {i.TotalRows} rows, {i.ErrorCount} errors, {i.WarningCount} warnings");
            if (i.Status == ImportStatus.Completed)
                Info($"{(i.DryRun ? "would create" : "created")} {i.CreatedCount} users, {(i.DryRun ? "would update" : "updated")} {i.UpdatedCount}, unchanged {i.UnchangedCount}, groups created {i.GroupsCreatedCount}");
            if (i.FailureMessage is not null) Info(i.FailureMessage);
            foreach (var issue in UserImports.Issues(i))
            {
                csv.WriteField(issue.Line?.ToString(CultureInfo.InvariantCulture) ?? "");
                csv.WriteField(issue.Column ?? "");
                csv.WriteField(issue.Severity);
                csv.WriteField(issue.Message);
                csv.NextRecord();
            }
        }
        var name = Path.GetFileNameWithoutExtension(i.FileName);
        return File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", $"{name}-import-{i.Id}-report.csv");
    }
}
