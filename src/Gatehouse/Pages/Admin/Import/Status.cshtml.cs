using Gatehouse.Import;
using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Pages.Admin.Import;

/// <summary>The progress bar's poll: the import's status and progress as JSON.</summary>
public sealed class StatusModel(GatehouseDb db, ImportProgressBoard board) : PageModel
{
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await UserImports.FindAsync(db, board, id, ct) is not { } i) return NotFound();
        var what = i.Status == ImportStatus.Validating ? "Checking every row" : "Writing users";
        var rows = i.TotalRows > 0 ? $", {i.ProcessedRows:N0} of {i.TotalRows:N0} rows" : "";
        Response.Headers.CacheControl = "no-store";
        return new JsonResult(new { status = i.Status, progress = i.Progress, processed_rows = i.ProcessedRows, total_rows = i.TotalRows, text = $"{what} — {i.Progress}%{rows}" });
    }
}
