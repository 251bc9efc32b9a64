using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Components;

public sealed record SsoButton(long Id, string Label, string Url, string? LogoUrl);

/// <summary>"Sign in with {label}": one button per enabled provider shown on the sign-in page, in the admin's order.</summary>
public sealed class SsoButtonsViewComponent(GatehouseDb db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(string? returnTo)
    {
        var suffix = SafeReturnPath.IsSafe(returnTo) ? "?return_to=" + Uri.EscapeDataString(returnTo!) : "";
        var buttons = await LoginProviders.Query(db)
            .Select(s => new SsoButton(s.Id, s.Label, $"/sso/{s.Id}/login{suffix}", s.LogoUrl))
            .ToListAsync(HttpContext.RequestAborted);
        return View(buttons);
    }
}

public static class LoginProviders
{
    /// <summary>The providers offered on the sign-in page.</summary>
    public static IQueryable<Providers.SsoStrategy> Query(GatehouseDb db) =>
        db.SsoStrategies.Where(s => s.Enabled && s.DisplayOnLoginPage).OrderBy(s => s.SortOrder).ThenBy(s => s.Id);
}
