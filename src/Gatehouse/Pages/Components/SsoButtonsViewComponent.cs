using Microsoft.AspNetCore.Mvc;

namespace Gatehouse.Pages.Components;

/// <summary>"Sign in with {label}" buttons on the sign-in page. Providers arrive with the SSO capability; until then none.</summary>
public sealed class SsoButtonsViewComponent : ViewComponent
{
    public IViewComponentResult Invoke(string? returnTo) => Content("");
}
