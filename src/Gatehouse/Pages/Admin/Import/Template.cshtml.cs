using Gatehouse.Import;
using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.Import;

/// <summary>The CSV template: the header and example rows (the SSO example names one of the site's enabled providers).</summary>
public sealed class TemplateModel(GatehouseDb db) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var label = await db.SsoStrategies.AsNoTracking().Where(s => s.Enabled).OrderBy(s => s.SortOrder).ThenBy(s => s.Id).Select(s => s.Label).FirstOrDefaultAsync(ct);
        return File(ImportColumns.Template(label), "text/csv; charset=utf-8", "users-import-template.csv");
    }
}
