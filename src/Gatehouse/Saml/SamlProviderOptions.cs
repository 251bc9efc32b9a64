using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Providers;

namespace Gatehouse.Saml;

/// <summary>
/// A SAML provider's own options, kept in <see cref="SsoStrategy.ProtocolOptionsJson"/> and written through the
/// API as <c>saml_sign_authn_requests</c>, <c>saml_require_signed_assertions</c>, <c>saml_allow_sha1</c>, and the
/// by-hand trust anchors <c>saml_provider_certificates</c> / <c>saml_provider_cert_fingerprints</c>.
/// </summary>
public sealed record SamlProviderOptions
{
    /// <summary>Sign the AuthnRequest (Bindings §3.4.4.1). Null: sign when the IdP metadata asks (WantAuthnRequestsSigned).</summary>
    [JsonPropertyName("sign_authn_requests")] public bool? SignAuthnRequests { get; init; }

    /// <summary>Refuse responses where only the Response, not the Assertion, is signed.</summary>
    [JsonPropertyName("require_signed_assertions")] public bool RequireSignedAssertions { get; init; }

    /// <summary>Accept RSA-SHA1 / SHA-1 digests (legacy IdPs; off by default).</summary>
    [JsonPropertyName("allow_sha1")] public bool AllowSha1 { get; init; }

    /// <summary>By hand: IdP signing certificates (base64 DER) from <c>saml_provider_certificates</c> (PEM), several during a rollover.</summary>
    [JsonPropertyName("certificates")] public IReadOnlyList<string>? Certificates { get; init; }

    /// <summary>By hand: more SHA-256 fingerprints besides <c>saml_provider_cert_fingerprint</c> (<c>saml_provider_cert_fingerprints</c>).</summary>
    [JsonPropertyName("extra_fingerprints")] public IReadOnlyList<string>? ExtraFingerprints { get; init; }

    public static SamlProviderOptions Read(SsoStrategy s)
    {
        if (string.IsNullOrEmpty(s.ProtocolOptionsJson)) return new();
        try
        {
            return JsonSerializer.Deserialize<SamlProviderOptions>(s.ProtocolOptionsJson) ?? new();
        }
        catch (JsonException)
        {
            return new(); // written only by us; a damaged value falls back to the safe defaults
        }
    }

    public void Write(SsoStrategy s) => s.ProtocolOptionsJson = JsonSerializer.Serialize(this);
}
