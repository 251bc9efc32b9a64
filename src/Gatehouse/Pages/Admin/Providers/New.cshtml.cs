using Gatehouse.Api;
using Gatehouse.Providers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Pages.Admin.Providers;

/// <summary>"Add provider": the kinds as tiles, then the chosen kind's form (SAML or OIDC where the vendor offers both).</summary>
public sealed class NewModel(SaveSsoStrategy save, ProviderRules rules) : PageModel
{
    public ProviderForm? Form { get; private set; }
    public string? Violation { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? kind, string? protocol, CancellationToken ct)
    {
        Violation = (await rules.CanAddAsync(ct))?.Message;
        Form = Build(kind, protocol);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? kind, string? protocol, CancellationToken ct)
    {
        var input = ApiInput.FromForm(Request.Form);
        var result = await save.HandleAsync(null, input, User.Identity!.Name!, HttpContext, ct);
        if (result.Succeeded)
        {
            TempData["Message"] = $"Added {result.Strategy!.Label}." + (result.OneTimeSecrets.Token is { } t ? $" SCIM token (shown once): {t}" : "")
                + (result.OneTimeSecrets.Password is { } p ? $" SCIM username: {result.Strategy.ScimUsername}, password (shown once): {p}" : "");
            return Redirect($"/admin/sso-providers/{result.Strategy.Id}");
        }
        var posted = ProviderKinds.Find(Request.Form["provider"]) ?? ProviderKinds.Find(kind);
        Form = posted is null ? null : new ProviderForm
        {
            Kind = posted,
            Protocol = posted.Protocols.Contains((string?)Request.Form["protocol"]) ? Request.Form["protocol"]! : posted.DefaultProtocol,
            Values = FormValues.ToStrategy(Request.Form),
            Errors = input.Errors,
        };
        Violation = result.Violation!.Status == 422 ? "Please correct the fields below." : result.Violation.Message;
        Response.StatusCode = 422;
        return Page();
    }

    private static ProviderForm? Build(string? kind, string? protocol)
    {
        var k = ProviderKinds.Find(kind);
        if (k is null) return null;
        return new ProviderForm { Kind = k, Protocol = k.Protocols.Contains(protocol) ? protocol! : k.DefaultProtocol };
    }
}
