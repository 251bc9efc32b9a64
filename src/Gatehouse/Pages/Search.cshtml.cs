using Gatehouse.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Pages;

/// <summary>The search box's answer without JavaScript (pressing Enter).</summary>
[Authorize]
public sealed class SearchModel : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")] public string? Q { get; set; }
    public List<SearchEntry> Results { get; private set; } = [];

    public IActionResult OnGet()
    {
        Results = SearchIndex.Find(Q ?? "", User.IsSiteAdmin()).ToList();
        return Results.Count == 1 ? Redirect(Results[0].Url) : Page();
    }
}
