using Gatehouse.Import;
using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Pages.Admin.Import;

/// <summary>The site's users in the import's columns, streamed as they are read.</summary>
public sealed class ExportModel(GatehouseDb db) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"users-{DateTime.UtcNow:yyyyMMdd}.csv\"";
        await UserExport.WriteAsync(db, Response.Body, ct);
        return new EmptyResult();
    }
}
