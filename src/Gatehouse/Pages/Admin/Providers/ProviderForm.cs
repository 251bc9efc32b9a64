using Gatehouse.Providers;

namespace Gatehouse.Pages.Admin.Providers;

/// <summary>What the provider form partial needs: the kind and protocol, current values, and per-field errors.</summary>
public sealed class ProviderForm
{
    public required ProviderKind Kind { get; init; }
    public required string Protocol { get; init; }
    public SsoStrategy Values { get; init; } = new() { Provider = "", Protocol = "", Label = "", LabelNormalized = "" };
    public Dictionary<string, List<string>> Errors { get; init; } = [];
    public bool Editing { get; init; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    /// <summary>How the vendor field shapes the issuer, where that is not obvious.</summary>
    public string? SubdomainHelp => Kind.Name switch
    {
        "azure" => "Single tenant: sign-in is refused for tokens whose tid names another tenant.",
        "okta" => "For a custom authorization server, add its path: acme/oauth2/default.",
        _ => null,
    };

    /// <summary>What the vendor calls the field that becomes the OIDC issuer.</summary>
    public string SubdomainLabel => Kind.Name switch
    {
        "azure" => "Tenant ID",
        "okta" => "Okta domain (e.g. acme or login.acme.com)",
        "onelogin" => "OneLogin subdomain",
        "auth0" => "Auth0 tenant domain (e.g. acme.us.auth0.com)",
        _ => "Subdomain",
    };
}
