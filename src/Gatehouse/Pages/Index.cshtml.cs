using Gatehouse.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Pages;

public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated != true ? Redirect("/login")
        : User.IsSiteAdmin() ? Redirect("/admin/users") : Redirect("/account");
}
