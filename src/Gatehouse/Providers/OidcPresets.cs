namespace Gatehouse.Providers;

/// <summary>Turns a vendor's few fields into an OIDC issuer URL (the discovery document lives under it).</summary>
public static class OidcPresets
{
    /// <returns>The issuer, or null with a message naming what is missing or malformed.</returns>
    public static string? Issuer(SsoStrategy s, out string? problem)
    {
        problem = null;
        var sub = s.Subdomain?.Trim().TrimEnd('/');
        switch (s.Provider)
        {
            case "azure":
                // Single-tenant: the tenant's own v2.0 issuer (a GUID or a verified domain), never "common"/"organizations".
                if (string.IsNullOrEmpty(sub)) { problem = "subdomain (the Entra tenant ID) is required"; return null; }
                if (sub is "common" or "organizations" or "consumers") { problem = "subdomain must be your tenant ID, not a multi-tenant alias"; return null; }
                if (!Guid.TryParse(sub, out _) && !IsHostName(sub)) { problem = "subdomain must be the tenant ID (a GUID) or the tenant's domain"; return null; }
                return $"https://login.microsoftonline.com/{sub.ToLowerInvariant()}/v2.0";
            case "okta":
                return HostIssuer(sub, ".okta.com", "the Okta org subdomain (acme) or custom domain", out problem);
            case "onelogin":
                if (string.IsNullOrEmpty(sub) || !IsLabel(sub)) { problem = "subdomain (the OneLogin subdomain, e.g. acme) is required"; return null; }
                return $"https://{sub.ToLowerInvariant()}.onelogin.com/oidc/2";
            case "auth0":
                var issuer = HostIssuer(sub, ".auth0.com", "the Auth0 tenant domain (acme.us.auth0.com)", out problem);
                return issuer is null ? null : issuer + "/";
            default:
                var url = s.OidcIssuerUrl?.Trim();
                if (string.IsNullOrEmpty(url)) { problem = "oidc_issuer_url is required"; return null; }
                if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(u.Query) || !string.IsNullOrEmpty(u.Fragment))
                { problem = "oidc_issuer_url must be an absolute https URL without query or fragment"; return null; }
                return url;
        }
    }

    /// <summary><c>acme</c> → https://acme{suffix}; <c>login.acme.com[/path]</c> or a full https URL → as given.</summary>
    private static string? HostIssuer(string? value, string suffix, string what, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(value)) { problem = $"subdomain ({what}) is required"; return null; }
        if (value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) value = value[8..];
        var host = value.Split('/')[0];
        var path = value.Length > host.Length ? value[host.Length..] : "";
        if (IsLabel(host)) return $"https://{host.ToLowerInvariant()}{suffix}{path}";
        if (IsHostName(host)) return $"https://{host.ToLowerInvariant()}{path}";
        problem = $"subdomain must be {what}";
        return null;
    }

    private static bool IsLabel(string s) =>
        s.Length is >= 1 and <= 63 && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && s[0] != '-' && s[^1] != '-';

    private static bool IsHostName(string s) =>
        s.Length <= 253 && s.Contains('.') && s.Split('.').All(IsLabel);
}
