using Gatehouse.Import;
using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;

namespace Gatehouse.Pages.Admin.Import;

/// <summary>
/// Import users, steps 2–4 on one page that follows the import's state: the validation report (errors by line,
/// or a clean file to confirm), the progress bar while it runs, and the result summary with the report to download.
/// The state is the database's, so closing the browser changes nothing and coming back shows where it is.
/// </summary>
public sealed class ShowModel(GatehouseDb db, ImportProgressBoard board, ImportSignal signal) : FlashPageModel
{
    public const int IssuesShown = 500;
    public UserImport Import { get; private set; } = null!;
    public IReadOnlyList<ImportIssue> Issues { get; private set; } = [];
    public bool Running => !ImportStatus.IsDone(Import.Status);
    public bool AwaitingConfirmation => Import is { DryRun: true, Status: ImportStatus.Completed, ErrorCount: 0 };

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await UserImports.FindAsync(db, board, id, ct) is not { } import) return NotFound();
        Import = import;
        Issues = UserImports.Issues(import);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(long id, CancellationToken ct)
    {
        if (await UserImports.FindAsync(db, board, id, ct) is null) return NotFound();
        if (await UserImports.ConfirmAsync(db, id, ct)) signal.Wake();
        else Error = "This check can no longer be imported (it had errors, was already imported, or is more than a day old). Upload the file again.";
        return Redirect($"/admin/import/{id}");
    }
}
