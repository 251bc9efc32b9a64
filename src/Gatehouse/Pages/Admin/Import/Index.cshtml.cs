using Gatehouse.Import;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Pages.Admin.Import;

/// <summary>
/// Import users, step 1: upload a CSV. It is stored and checked in the background (a dry run); the next page shows
/// the validation report and asks for confirmation. Also the template and the export of existing users.
/// </summary>
[RequestSizeLimit(MaxUploadBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxUploadBytes)]
public sealed class IndexModel(GatehouseDb db, IOptions<ImportOptions> options, ImportSignal signal, TimeProvider time) : FlashPageModel
{
    // The form's envelope; the file itself is held to ImportOptions.MaxFileBytes.
    private const long MaxUploadBytes = 256L * 1024 * 1024;

    public List<UserImport> Recent { get; private set; } = [];
    public long MaxFileBytes => options.Value.MaxFileBytes;

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(IFormFile? file, bool updateExisting, bool createGroups, CancellationToken ct)
    {
        if (file is null || file.Length == 0) Errors["file"] = ["is required: choose a CSV file"];
        else if (file.Length > MaxFileBytes) Errors["file"] = [$"is larger than {MaxFileBytes / (1024 * 1024)} MB; split it into several files"];
        if (Errors.Count > 0)
        {
            await LoadAsync(ct);
            return Refused("The file was not uploaded. Please choose a CSV file.");
        }
        await using var stream = file!.OpenReadStream();
        var import = await UserImports.CreateAsync(db, new CreateUserImportRequest(file.FileName, stream, DryRun: true, updateExisting, createGroups,
            User.UserId(), User.Identity?.Name), options.Value, time, ct);
        if (import is null)
        {
            Errors["file"] = [$"is larger than {MaxFileBytes / (1024 * 1024)} MB; split it into several files"];
            await LoadAsync(ct);
            return Refused("The file was not uploaded.");
        }
        signal.Wake();
        return Redirect($"/admin/import/{import.Id}");
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Recent = await db.Set<UserImport>().AsNoTracking().OrderByDescending(i => i.Id).Take(10).ToListAsync(ct);
}
