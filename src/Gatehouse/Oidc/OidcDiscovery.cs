using System.Collections.Concurrent;
using System.Text.Json;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Oidc;

/// <summary>A provider's usable configuration (discovery + JWKS), or why there is none.</summary>
public sealed record OidcDiscoveryResult(OidcProviderCache? Cache, string? Error, string? Issuer)
{
    public bool Succeeded => Cache is not null;
}

/// <summary>
/// Fetches and caches each provider's discovery document and JWKS (OIDC Discovery §4) through the SSRF-guarded
/// <see cref="OutboundHttp"/>. The last good copy lives in the database; a failed refresh keeps it in use and
/// records the failure in <see cref="SsoStrategy.ProtocolCacheError"/>, which the admin sees as
/// <c>oidc_discovery_error</c>. <see cref="SsoStrategy.ProtocolCacheRefreshAt"/> is when the next refresh is due.
/// </summary>
public sealed class OidcDiscovery(GatehouseDb db, OutboundHttp http, IOptions<OidcOptions> options,
    TimeProvider time, ILogger<OidcDiscovery> log)
{
    private const int MaxDocumentBytes = 256 * 1024;
    private const int MaxKeys = 64;
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(5);

    /// <summary>Algorithms Gatehouse accepts for ID tokens: asymmetric only (never <c>none</c>, never HS* — RFC 8725 §3.1).</summary>
    public static readonly string[] AsymmetricAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>The cached configuration, refreshed when missing, stale, or for another issuer (or always with <paramref name="force"/>).</summary>
    public async Task<OidcDiscoveryResult> GetAsync(SsoStrategy s, bool force, CancellationToken ct)
    {
        var issuer = OidcSettings.Issuer(s, options.Value, out var problem);
        if (issuer is null) return new(null, $"The provider's settings are incomplete: {problem}.", null);
        var now = time.GetUtcNow().UtcDateTime;
        var cache = OidcProviderCache.Read(s.ProtocolCacheJson);
        if (cache is not null && cache.ForIssuer != issuer) cache = null;
        var due = cache is null || now - cache.DiscoveredAt >= options.Value.DiscoveryLifetime;
        // After a failure, wait a little before trying again (unless the admin asks): a dead IdP must not be hit on every click.
        if (!force && cache is not null && (!due || s.ProtocolCacheRefreshAt > now)) return new(cache, null, issuer);

        var (fresh, error) = await FetchAsync(s, issuer, ct);
        if (fresh is null)
        {
            OidcLog.DiscoveryFailed(log, s.Id, issuer, error!);
            s.ProtocolCacheError = error!.Length > 1900 ? error[..1900] : error;
            s.ProtocolCacheRefreshAt = now + RetryAfterFailure;
            await db.SaveChangesAsync(ct);
            // The last good configuration stays in use; an explicit refresh reports the failure.
            return cache is not null && !force ? new(cache, null, issuer) : new(null, error, issuer);
        }
        s.ProtocolCacheJson = fresh.Write();
        s.ProtocolCacheError = null;
        s.ProtocolCacheRefreshAt = now + options.Value.DiscoveryLifetime;
        await db.SaveChangesAsync(ct);
        OidcLog.DiscoveryRefreshed(log, s.Id, issuer);
        return new(fresh, null, issuer);
    }

    /// <summary>
    /// A token named a <c>kid</c> that the cached JWKS lacks: the IdP may have rotated its keys (OIDF
    /// rp-key-rotation-op-sign-key). Re-fetch the JWKS at most once per <see cref="OidcOptions.JwksRefreshInterval"/>
    /// per provider, so forged tokens with random kids cannot make us hammer the IdP (JWKS-refresh DoS).
    /// </summary>
    public async Task<OidcProviderCache?> RefreshKeysAsync(SsoStrategy s, OidcProviderCache cache, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Counted from the last kid-triggered attempt only: a JWKS fetched by discovery a minute ago may already be stale.
        if (now - cache.JwksAttemptedAt < options.Value.JwksRefreshInterval) return null;
        var (jwks, error) = await FetchJwksAsync(cache.Metadata.JwksUri!, ct);
        var updated = jwks is null ? cache with { JwksAttemptedAt = now } : cache with { JwksJson = jwks, JwksFetchedAt = now, JwksAttemptedAt = now };
        s.ProtocolCacheJson = updated.Write();
        if (error is not null) s.ProtocolCacheError = "Refreshing the signing keys (JWKS) failed: " + error;
        await db.SaveChangesAsync(ct);
        OidcLog.JwksRefreshed(log, s.Id, error is null);
        return jwks is null ? null : updated;
    }

    private async Task<(OidcProviderCache?, string?)> FetchAsync(SsoStrategy s, string issuer, CancellationToken ct)
    {
        // OIDC Discovery §4: the document lives at issuer + "/.well-known/openid-configuration" (path kept, no double slash).
        var url = issuer.TrimEnd('/') + "/.well-known/openid-configuration";
        var fetched = await http.GetAsync(url, MaxDocumentBytes, ct);
        if (!fetched.Succeeded) return (null, $"The discovery document {url} could not be fetched. {fetched.Error}");
        OidcMetadata? m;
        try { m = JsonSerializer.Deserialize<OidcMetadata>(fetched.Body); }
        catch (JsonException) { return (null, $"The discovery document {url} is not valid JSON."); }
        if (m is null) return (null, $"The discovery document {url} is empty.");

        // OIDC Discovery §4.3: the issuer in the document must be exactly the one we asked (no normalising of
        // case or trailing slashes). Entra ID given a domain answers with its tenant GUID issuer: accept exactly that shape.
        string? tenant = OidcSettings.ExpectedTenant(s);
        if (m.Issuer != issuer)
        {
            if (s.Provider == "azure" && tenant is null && EntraTenantFromIssuer(issuer, m.Issuer) is { } discovered) tenant = discovered;
            else return (null, $"The discovery document names the issuer \"{m.Issuer}\", not \"{issuer}\"; check the provider's settings (OIDC Discovery §4.3).");
        }
        foreach (var (name, value) in new[] { ("authorization_endpoint", m.AuthorizationEndpoint), ("token_endpoint", m.TokenEndpoint), ("jwks_uri", m.JwksUri) })
            if (!Uri.TryCreate(value, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http"))
                return (null, $"The discovery document has no valid {name}.");
        if (m.UserinfoEndpoint is not null && !Uri.TryCreate(m.UserinfoEndpoint, UriKind.Absolute, out _)) m = m with { UserinfoEndpoint = null };
        if (AllowedAlgorithms(m).Length == 0)
            return (null, $"The provider signs ID tokens only with {string.Join(", ", m.IdTokenSigningAlgValuesSupported ?? [])}; Gatehouse accepts {string.Join(", ", AsymmetricAlgorithms)}.");

        var (jwks, error) = await FetchJwksAsync(m.JwksUri!, ct);
        if (jwks is null) return (null, error);
        var now = time.GetUtcNow().UtcDateTime;
        return (new OidcProviderCache { ForIssuer = issuer, Metadata = m, TenantId = tenant, JwksJson = jwks, DiscoveredAt = now, JwksFetchedAt = now }, null);
    }

    private async Task<(string?, string?)> FetchJwksAsync(string url, CancellationToken ct)
    {
        var fetched = await http.GetAsync(url, MaxDocumentBytes, ct);
        if (!fetched.Succeeded) return (null, $"The signing keys (JWKS) at {url} could not be fetched. {fetched.Error}");
        var json = System.Text.Encoding.UTF8.GetString(fetched.Body!);
        var parsed = OidcKeyCache.Parse(json);
        if (parsed is null) return (null, $"The signing keys at {url} are not a valid JWKS.");
        if (parsed.Count == 0) return (null, $"The JWKS at {url} holds no RSA or EC signing key.");
        if (parsed.Count > MaxKeys) return (null, $"The JWKS at {url} holds more than {MaxKeys} keys.");
        return (json, null);
    }

    /// <summary>id_token_signing_alg_values_supported ∩ asymmetric; RS256 when absent (OIDC Discovery §3: RS256 MUST be included).</summary>
    public static string[] AllowedAlgorithms(OidcMetadata m) =>
        (m.IdTokenSigningAlgValuesSupported is { Length: > 0 } algs ? algs : ["RS256"]).Intersect(AsymmetricAlgorithms, StringComparer.Ordinal).ToArray();

    /// <summary><c>{base}/{domain}/v2.0</c> asked, <c>{base}/{GUID}/v2.0</c> answered → the GUID.</summary>
    private static string? EntraTenantFromIssuer(string asked, string? answered)
    {
        if (answered is null || !asked.EndsWith("/v2.0", StringComparison.Ordinal) || !answered.EndsWith("/v2.0", StringComparison.Ordinal)) return null;
        var askedBase = asked[..asked[..^5].LastIndexOf('/')];
        var answeredBase = answered[..answered[..^5].LastIndexOf('/')];
        var tenant = answered[(answeredBase.Length + 1)..^5];
        return askedBase == answeredBase && Guid.TryParse(tenant, out var g) && g.ToString("D") == tenant ? tenant : null;
    }
}

/// <summary>Parsed signing keys per provider, reused across callbacks until the stored JWKS changes.</summary>
public sealed class OidcKeyCache
{
    private readonly ConcurrentDictionary<long, (DateTime FetchedAt, IReadOnlyList<SecurityKey> Keys)> _byStrategy = new();

    public IReadOnlyList<SecurityKey> For(long strategyId, OidcProviderCache cache)
    {
        if (_byStrategy.TryGetValue(strategyId, out var hit) && hit.FetchedAt == cache.JwksFetchedAt) return hit.Keys;
        var keys = Parse(cache.JwksJson) ?? [];
        _byStrategy[strategyId] = (cache.JwksFetchedAt, keys);
        return keys;
    }

    /// <summary>RSA and EC keys meant for signatures only: an <c>oct</c> (symmetric) key in a JWKS is never a verification key.</summary>
    public static IReadOnlyList<SecurityKey>? Parse(string json)
    {
        try
        {
            // GetSigningKeys converts each JWK once (use "sig" or none) into RSA/ECDSA keys whose crypto providers IdentityModel caches.
            var set = new JsonWebKeySet(json) { SkipUnresolvedJsonWebKeys = true };
            return set.GetSigningKeys().Where(k => k is RsaSecurityKey or ECDsaSecurityKey or X509SecurityKey).ToList();
        }
        catch (Exception e) when (e is ArgumentException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
