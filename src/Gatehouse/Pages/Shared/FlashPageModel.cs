using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Pages;

/// <summary>
/// A page that reports the outcome of a form post: after a redirect (post/redirect/get) through TempData,
/// or on the re-rendered page when the input was refused. Rendered by <c>_Flash.cshtml</c>.
/// </summary>
public abstract class FlashPageModel : PageModel
{
    [TempData] public string? Message { get; set; }
    [TempData] public string? Error { get; set; }
    /// <summary>The refusal shown on a re-rendered page (not TempData, so it does not come back on the next page).</summary>
    public string? Problem { get; protected set; }

    /// <summary>Per-field problems of the form being re-rendered, keyed by the field's name.</summary>
    public Dictionary<string, List<string>> Errors { get; protected set; } = new(StringComparer.Ordinal);

    /// <summary>Re-renders the page with the refused input's messages and no change made (422, like the API).</summary>
    protected PageResult Refused(string error)
    {
        Problem = error;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>A same-site path to go back to after an action, else <paramref name="fallback"/> (no open redirect).</summary>
    protected static string Back(string? returnTo, string fallback) => SafeReturnPath.Or(returnTo, fallback);
}
