using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Providers;

namespace Gatehouse.Saml;

/// <summary>The last good IdP metadata fetched from <see cref="SsoStrategy.SamlProviderMetadataUrl"/>, kept in
/// <see cref="SsoStrategy.ProtocolCacheJson"/>; for pasted metadata only the entity ID it yielded.</summary>
public sealed record SamlMetadataCache
{
    [JsonPropertyName("source")] public required string Source { get; init; } // "url" or "content"
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("metadata_xml")] public string? MetadataXml { get; init; }
    [JsonPropertyName("entity_id")] public required string EntityId { get; init; }
    [JsonPropertyName("fetched_at")] public DateTime? FetchedAt { get; init; }
    [JsonPropertyName("valid_until")] public DateTime? ValidUntil { get; init; }
    [JsonPropertyName("cache_duration_seconds")] public long? CacheDurationSeconds { get; init; }

    public static SamlMetadataCache? Read(SsoStrategy s)
    {
        if (string.IsNullOrEmpty(s.ProtocolCacheJson)) return null;
        try { return JsonSerializer.Deserialize<SamlMetadataCache>(s.ProtocolCacheJson); }
        catch (JsonException) { return null; }
    }

    public void Write(SsoStrategy s) => s.ProtocolCacheJson = JsonSerializer.Serialize(this);
}

/// <summary>What one SAML provider trusts and where it sends browsers, derived from its settings.</summary>
/// <param name="Certificates">Pinned signing certificates (metadata; all of them during a rollover).</param>
/// <param name="PinnedFingerprint">By-hand configuration: the SHA-256 fingerprint a KeyInfo certificate must have.</param>
/// <param name="Problem">Why sign-in cannot proceed with this configuration, or null.</param>
public sealed record SamlIdpConfiguration(
    string? EntityId, string? SsoUrl, string? SloUrl, IReadOnlyList<X509Certificate2> Certificates, string? PinnedFingerprint,
    bool WantAuthnRequestsSigned, DateTimeOffset? ValidUntil, string? Problem)
{
    /// <summary>By hand: every pinned fingerprint (the main one and the extra ones, e.g. during a rollover).</summary>
    public IReadOnlyList<string> PinnedFingerprints { get; init; } = PinnedFingerprint is null ? [] : [PinnedFingerprint];

    public IEnumerable<string> ConfiguredFingerprints => PinnedFingerprints.Concat(Certificates.Select(SamlFingerprints.Of));
}

/// <summary>Reads the PEM certificates an admin pastes (one or several CERTIFICATE blocks).</summary>
public static class SamlPem
{
    private static readonly System.Text.RegularExpressions.Regex Block = new(
        "-----BEGIN CERTIFICATE-----(?<b64>[A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----", System.Text.RegularExpressions.RegexOptions.CultureInvariant,
        TimeSpan.FromSeconds(1));

    /// <returns>Base64 DER of each certificate; empty input → none.</returns>
    public static List<string> Parse(string pem, out string? problem)
    {
        problem = null;
        var result = new List<string>();
        if (string.IsNullOrWhiteSpace(pem)) return result;
        foreach (System.Text.RegularExpressions.Match m in Block.Matches(pem))
        {
            try
            {
                var der = Convert.FromBase64String(string.Concat(m.Groups["b64"].Value.Where(c => !char.IsWhiteSpace(c))));
                using var certificate = X509CertificateLoader.LoadCertificate(der);
                if (certificate.GetRSAPublicKey() is null) { problem = "must be RSA certificates"; return []; }
                result.Add(Convert.ToBase64String(der));
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                problem = "contains a certificate that cannot be read";
                return [];
            }
        }
        if (result.Count == 0) problem = "must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)";
        return result;
    }
}

public static class SamlFingerprints
{
    /// <summary>SHA-256 of the DER certificate, as colon-separated upper-case hex (the form the API stores).</summary>
    public static string Of(X509Certificate2 certificate) => Format(SHA256.HashData(certificate.RawData));

    public static string Format(byte[] hash) => string.Join(':', hash.Select(b => b.ToString("X2")));

    public static string Normalize(string fingerprint) => fingerprint.Replace(":", "").Replace(" ", "").ToUpperInvariant();
}

/// <summary>
/// Resolves a provider's <see cref="SamlIdpConfiguration"/>: metadata (last good fetched, or pasted) when there is
/// some, else the by-hand fields. Parsed configurations are cached per provider and settings version, so the
/// certificate objects stay the same between requests (the engine caches their public keys per instance).
/// </summary>
public sealed class SamlIdpConfigurations(TimeProvider time)
{
    private readonly ConcurrentDictionary<long, (string Version, SamlIdpConfiguration Config)> _cache = new();

    public SamlIdpConfiguration For(SsoStrategy s)
    {
        var version = Version(s);
        if (_cache.TryGetValue(s.Id, out var hit) && hit.Version == version && s.Id != 0) return Expiry(hit.Config);
        var config = Build(s);
        if (s.Id != 0) _cache[s.Id] = (version, config);
        return Expiry(config);
    }

    private SamlIdpConfiguration Expiry(SamlIdpConfiguration c) =>
        c.Problem is null && c.ValidUntil is { } until && until <= time.GetUtcNow()
            ? c with { Problem = $"The identity provider's metadata expired at {until:u} and no fresh copy could be fetched." }
            : c;

    private static string Version(SsoStrategy s)
    {
        var text = string.Join('\u0001', s.SamlProviderMetadataUrl, s.SamlProviderMetadataContent, s.ProtocolCacheJson,
            s.SamlProviderIssuerUrl, s.SamlProviderSsoTargetUrl, s.SamlProviderSloTargetUrl, s.SamlProviderCertFingerprint, s.ProtocolOptionsJson);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static SamlIdpConfiguration Build(SsoStrategy s)
    {
        string? xml = null, problem = null;
        if (s.SamlProviderMetadataUrl is not null)
        {
            var cache = SamlMetadataCache.Read(s);
            xml = cache?.Source == "url" && cache.Url == s.SamlProviderMetadataUrl ? cache.MetadataXml : null;
            if (xml is null) problem = "The identity provider's metadata has not been fetched yet" + (s.ProtocolCacheError is { } e ? $": {e}" : ".");
        }
        else if (s.SamlProviderMetadataContent is not null)
        {
            xml = s.SamlProviderMetadataContent;
        }

        if (xml is not null)
        {
            var parsed = Gatehouse.Saml.IdpMetadataParser.Parse(xml, s.SamlProviderIssuerUrl);
            if (!parsed.Succeeded)
                return new(s.SamlProviderIssuerUrl, null, null, [], null, false, null, $"The identity provider's metadata cannot be used: {parsed.Error!.Message}");
            var m = parsed.Metadata!;
            var sso = m.SsoRedirectUrl ?? s.SamlProviderSsoTargetUrl;
            return new(m.EntityId, sso, s.SamlProviderSloTargetUrl ?? (m.SloBinding?.EndsWith("HTTP-Redirect") == true ? m.SloUrl : null),
                m.SigningCertificates, null, m.WantAuthnRequestsSigned, m.ValidUntil,
                sso is null ? "The identity provider publishes no HTTP-Redirect SingleSignOnService; set saml_provider_sso_target_url." : null);
        }
        if (problem is not null) return new(s.SamlProviderIssuerUrl, s.SamlProviderSsoTargetUrl, s.SamlProviderSloTargetUrl, [], null, false, null, problem);

        // By hand: issuer, SSO URL, and the IdP's signing certificates (PEM) and/or their fingerprints, several at once.
        var o = SamlProviderOptions.Read(s);
        var certificates = (o.Certificates ?? []).Select(b => X509CertificateLoader.LoadCertificate(Convert.FromBase64String(b))).ToList();
        var pins = new[] { s.SamlProviderCertFingerprint }.Concat(o.ExtraFingerprints ?? []).OfType<string>().Distinct().ToList();
        var missing = s.SamlProviderIssuerUrl is null ? "saml_provider_issuer_url"
            : s.SamlProviderSsoTargetUrl is null ? "saml_provider_sso_target_url"
            : pins.Count == 0 && certificates.Count == 0 ? "saml_provider_cert_fingerprint" : null;
        return new(s.SamlProviderIssuerUrl, s.SamlProviderSsoTargetUrl, s.SamlProviderSloTargetUrl, certificates, pins.FirstOrDefault(), false, null,
            missing is null ? null : $"The provider is not fully configured ({missing} is missing).") { PinnedFingerprints = pins };
    }

    /// <summary>Pick the IdP from a federation aggregate by the configured issuer, unless the issuer came from this very metadata.</summary>
    public static string? EntitySelector(SsoStrategy s) =>
        s.SamlProviderIssuerUrl is { } issuer && SamlMetadataCache.Read(s)?.EntityId != issuer ? issuer : null;
}
