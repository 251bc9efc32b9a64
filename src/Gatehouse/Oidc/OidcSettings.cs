using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Api;
using Gatehouse.Providers;

namespace Gatehouse.Oidc;

/// <summary>
/// OIDC options of one provider beyond the contract's fields, kept in <see cref="SsoStrategy.ProtocolOptionsJson"/>.
/// API names: <c>oidc_response_mode</c>, <c>oidc_client_auth_method</c>; the identity claim is
/// <see cref="SsoStrategy.IdentityAttribute"/> (<c>oidc_identity_claim</c>).
/// </summary>
public sealed record OidcProtocolOptions
{
    public const string Query = "query", FormPost = "form_post";
    public const string ClientSecretBasic = "client_secret_basic", ClientSecretPost = "client_secret_post", PrivateKeyJwt = "private_key_jwt";
    public static readonly string[] ResponseModes = [Query, FormPost];
    public static readonly string[] ClientAuthMethods = [ClientSecretBasic, ClientSecretPost, PrivateKeyJwt];
    public static readonly string[] IdentityClaims = ["preferred_username", "email", "upn", "sub"];

    [JsonPropertyName("response_mode")] public string ResponseMode { get; init; } = Query;
    [JsonPropertyName("client_auth_method")] public string ClientAuthMethod { get; init; } = ClientSecretBasic;
}

/// <summary>Reads and writes a provider's OIDC settings; derives its issuer (preset or operator override).</summary>
public static class OidcSettings
{
    public const string DefaultIdentityClaim = "preferred_username";

    public static OidcProtocolOptions Options(SsoStrategy s)
    {
        if (string.IsNullOrEmpty(s.ProtocolOptionsJson)) return new();
        try { return JsonSerializer.Deserialize<OidcProtocolOptions>(s.ProtocolOptionsJson) ?? new(); }
        catch (JsonException) { return new(); }
    }

    public static string IdentityClaim(SsoStrategy s) =>
        s.IdentityAttribute is { } c && OidcProtocolOptions.IdentityClaims.Contains(c) ? c : DefaultIdentityClaim;

    /// <summary>The writable OIDC fields of the API and admin forms.</summary>
    public static void Apply(SsoStrategy s, ApiInput input)
    {
        var options = Options(s);
        if (input.Enum("oidc_response_mode", OidcProtocolOptions.ResponseModes) is { } mode) options = options with { ResponseMode = mode };
        if (input.Enum("oidc_client_auth_method", OidcProtocolOptions.ClientAuthMethods) is { } auth) options = options with { ClientAuthMethod = auth };
        if (input.Enum("oidc_identity_claim", OidcProtocolOptions.IdentityClaims) is { } claim) s.IdentityAttribute = claim;
        // The provider's clock skew for exp/nbf/iat (shared column with SAML).
        if (input.Long("clock_skew_seconds", 0, 600) is { } skew) s.ClockSkewSeconds = (int)skew;
        s.ProtocolOptionsJson = JsonSerializer.Serialize(options);
    }

    /// <summary>
    /// The issuer Gatehouse trusts for this provider: the vendor preset (<see cref="OidcPresets"/>), unless the operator
    /// set <c>Gatehouse:Oidc:PresetIssuers:{provider}</c> — a template with <c>{subdomain}</c>, for national clouds
    /// (Entra in US Government or China) and for tests that run the IdP on loopback.
    /// </summary>
    public static string? Issuer(SsoStrategy s, OidcOptions options, out string? problem)
    {
        var preset = OidcPresets.Issuer(s, out problem);
        if (preset is null || s.Provider == "oidc") return preset;
        if (options.PresetIssuers.TryGetValue(s.Provider, out var template) && !string.IsNullOrEmpty(template))
            return template.Replace("{subdomain}", Uri.EscapeDataString(s.Subdomain!.Trim().TrimEnd('/').ToLowerInvariant()));
        return preset;
    }

    /// <summary>Entra ID: the tenant the <c>tid</c> claim must name (single-tenant), when the subdomain is the tenant GUID.</summary>
    public static string? ExpectedTenant(SsoStrategy s) =>
        s.Provider == "azure" && Guid.TryParse(s.Subdomain?.Trim(), out var tid) ? tid.ToString("D") : null;
}

/// <summary>Process-wide OIDC settings (<c>Gatehouse:Oidc</c>).</summary>
public sealed class OidcOptions
{
    public const string Section = "Gatehouse:Oidc";
    /// <summary>provider name (azure, okta, onelogin, auth0) → issuer template with <c>{subdomain}</c>.</summary>
    public Dictionary<string, string> PresetIssuers { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Discovery and JWKS are re-fetched after this long even when nothing fails.</summary>
    public TimeSpan DiscoveryLifetime { get; set; } = TimeSpan.FromHours(24);
    /// <summary>At most one JWKS re-fetch per provider in this period when a token names an unknown <c>kid</c>.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>How long a started sign-in (state, nonce, PKCE verifier) stays usable.</summary>
    public TimeSpan FlowLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
