using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Oidc;

/// <summary>The parts of an OpenID Provider's discovery document Gatehouse uses (OIDC Discovery §3).</summary>
public sealed record OidcMetadata
{
    [JsonPropertyName("issuer")] public string? Issuer { get; init; }
    [JsonPropertyName("authorization_endpoint")] public string? AuthorizationEndpoint { get; init; }
    [JsonPropertyName("token_endpoint")] public string? TokenEndpoint { get; init; }
    [JsonPropertyName("userinfo_endpoint")] public string? UserinfoEndpoint { get; init; }
    [JsonPropertyName("jwks_uri")] public string? JwksUri { get; init; }
    [JsonPropertyName("id_token_signing_alg_values_supported")] public string[]? IdTokenSigningAlgValuesSupported { get; init; }
    [JsonPropertyName("token_endpoint_auth_methods_supported")] public string[]? TokenEndpointAuthMethodsSupported { get; init; }
    [JsonPropertyName("response_modes_supported")] public string[]? ResponseModesSupported { get; init; }
    [JsonPropertyName("authorization_response_iss_parameter_supported")] public bool AuthorizationResponseIssParameterSupported { get; init; }
}

/// <summary>
/// The last good discovery document and JWKS of one provider, stored as <see cref="Providers.SsoStrategy.ProtocolCacheJson"/>
/// so every node shares it and a restart does not hammer the IdP.
/// </summary>
public sealed record OidcProviderCache
{
    /// <summary>The issuer the cache was fetched for; a settings change that moves the issuer makes it stale.</summary>
    [JsonPropertyName("for_issuer")] public required string ForIssuer { get; init; }
    [JsonPropertyName("metadata")] public required OidcMetadata Metadata { get; init; }
    /// <summary>Entra ID: the tenant GUID from the discovered issuer (when the admin gave a domain name).</summary>
    [JsonPropertyName("tenant_id")] public string? TenantId { get; init; }
    [JsonPropertyName("jwks")] public required string JwksJson { get; init; }
    [JsonPropertyName("discovered_at")] public DateTime DiscoveredAt { get; init; }
    [JsonPropertyName("jwks_fetched_at")] public DateTime JwksFetchedAt { get; init; }
    /// <summary>Last JWKS re-fetch triggered by an unknown <c>kid</c>, failed ones included: the rate limit counts from here.</summary>
    [JsonPropertyName("jwks_attempted_at")] public DateTime JwksAttemptedAt { get; init; }

    public static OidcProviderCache? Read(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try { return JsonSerializer.Deserialize<OidcProviderCache>(json); }
        catch (JsonException) { return null; }
    }

    public string Write() => JsonSerializer.Serialize(this);
}
