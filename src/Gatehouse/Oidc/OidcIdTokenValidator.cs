using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Oidc;

/// <summary>Expected failures of an OIDC sign-in, with stable codes (sso_events <c>reason</c>).</summary>
public static class OidcError
{
    public const string Malformed = "id_token_malformed";
    public const string AlgorithmNotAllowed = "id_token_algorithm_not_allowed";
    public const string UnknownKey = "id_token_unknown_key";
    public const string BadSignature = "id_token_bad_signature";
    public const string IssuerMismatch = "id_token_issuer_mismatch";
    public const string AudienceMismatch = "id_token_audience_mismatch";
    public const string AzpMismatch = "id_token_azp_mismatch";
    public const string Expired = "id_token_expired";
    public const string NotYetValid = "id_token_not_yet_valid";
    public const string MissingClaim = "id_token_missing_claim";
    public const string NonceMismatch = "id_token_nonce_mismatch";
    public const string TenantMismatch = "id_token_tenant_mismatch";
    public const string Invalid = "id_token_invalid";
}

/// <summary>What an ID token must satisfy for one sign-in (OIDC Core §3.1.3.7).</summary>
public sealed record IdTokenExpectations(
    string Issuer, string ClientId, string Nonce, IReadOnlyList<SecurityKey> Keys, string[] Algorithms,
    TimeSpan ClockSkew, string? TenantId);

public sealed record IdTokenResult(JsonWebToken? Token, string? Error, string? Detail)
{
    public bool Succeeded => Error is null;
    public static IdTokenResult Fail(string error, string detail) => new(null, error, detail);
}

/// <summary>
/// Validates an ID token with <see cref="JsonWebTokenHandler"/> and the rules it leaves to us. Keys come only from
/// the provider's JWKS (<see cref="IdTokenExpectations.Keys"/>): the token's <c>jwk</c>, <c>jku</c>, <c>x5u</c> and
/// <c>x5c</c> headers are never consulted (RFC 7515 §4.1.2–4.1.6 key injection); <c>kid</c> is only a lookup key.
/// No ASP.NET, no database: the benchmark and the callback use the same code.
/// </summary>
public sealed class OidcIdTokenValidator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>True when the token names a <c>kid</c> that none of <paramref name="keys"/> has (the IdP may have rotated keys).</summary>
    public static bool NamesUnknownKey(string idToken, IReadOnlyList<SecurityKey> keys)
    {
        JsonWebToken jwt;
        try { jwt = new JsonWebToken(idToken); }
        catch (ArgumentException) { return false; }
        return !string.IsNullOrEmpty(jwt.Kid) && !keys.Any(k => k.KeyId == jwt.Kid);
    }

    public async Task<IdTokenResult> ValidateAsync(string idToken, IdTokenExpectations e)
    {
        // 1. Shape, and the algorithm before any key is touched: never "none", never HMAC keyed with a public key
        //    (RFC 8725 §2.1, §3.1; CVE-2015-9235 class). The allow-list is the provider's advertised algorithms ∩ asymmetric.
        JsonWebToken jwt;
        try { jwt = new JsonWebToken(idToken); }
        catch (ArgumentException) { return IdTokenResult.Fail(OidcError.Malformed, "The ID token is not a signed JWT."); }
        if (jwt.IsEncrypted) return IdTokenResult.Fail(OidcError.Malformed, "Encrypted ID tokens are not supported.");
        if (!e.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
            return IdTokenResult.Fail(OidcError.AlgorithmNotAllowed, $"The ID token is signed with \"{jwt.Alg}\"; only {string.Join(", ", e.Algorithms)} are accepted.");
        if (!string.IsNullOrEmpty(jwt.Kid) && !e.Keys.Any(k => k.KeyId == jwt.Kid))
            return IdTokenResult.Fail(OidcError.UnknownKey, $"The ID token names signing key \"{Clip(jwt.Kid)}\", which is not in the provider's JWKS.");

        // 2. Signature, issuer (exact), audience, lifetime with the provider's clock skew (OIDC Core §3.1.3.7 steps 2, 3, 6, 9, 10).
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = e.Issuer,
            ValidAudience = e.ClientId,
            IssuerSigningKeys = e.Keys,
            ValidAlgorithms = e.Algorithms,
            ClockSkew = e.ClockSkew,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = false,   // the JWKS is the trust anchor; certificates in it are not chain-validated
            TryAllIssuerSigningKeys = string.IsNullOrEmpty(jwt.Kid), // OIDF rp-id_token-kid-absent-*: no kid → try the JWKS keys
            SaveSigninToken = false,
        };
        var result = await _handler.ValidateTokenAsync(jwt, parameters);
        if (!result.IsValid) return Map(result.Exception);

        // 3. What the handler does not check (OIDC Core §3.1.3.7 steps 4, 5, 10, 11; §2).
        if (!jwt.TryGetPayloadValue<long>("iat", out _)) return IdTokenResult.Fail(OidcError.MissingClaim, "The ID token has no iat claim.");
        if (string.IsNullOrEmpty(jwt.Subject)) return IdTokenResult.Fail(OidcError.MissingClaim, "The ID token has no sub claim.");
        var audiences = jwt.Audiences.ToList();
        var azp = jwt.TryGetPayloadValue<string>("azp", out var a) ? a : null;
        if (audiences.Count > 1 && azp is null)
            return IdTokenResult.Fail(OidcError.AzpMismatch, "The ID token has several audiences but no azp claim.");
        if (azp is not null && azp != e.ClientId)
            return IdTokenResult.Fail(OidcError.AzpMismatch, "The ID token was issued to another client (azp).");
        // Nonce binds the token to the browser's own request (replay / code injection, OIDC Core §15.5.2).
        var nonce = jwt.TryGetPayloadValue<string>("nonce", out var n) ? n : null;
        if (nonce is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(nonce), Encoding.UTF8.GetBytes(e.Nonce)))
            return IdTokenResult.Fail(OidcError.NonceMismatch, "The ID token's nonce does not match this sign-in.");
        // Entra ID single-tenant: the token must come from the configured tenant (a token of another tenant is
        // signed by the same Microsoft keys — catalogue §3.3).
        if (e.TenantId is not null && (!jwt.TryGetPayloadValue<string>("tid", out var tid) || !string.Equals(tid, e.TenantId, StringComparison.OrdinalIgnoreCase)))
            return IdTokenResult.Fail(OidcError.TenantMismatch, "The ID token comes from another Entra tenant (tid).");
        return new(jwt, null, null);
    }

    private static IdTokenResult Map(Exception? ex) => ex switch
    {
        SecurityTokenInvalidIssuerException => IdTokenResult.Fail(OidcError.IssuerMismatch, "The ID token was issued by another issuer."),
        SecurityTokenInvalidAudienceException => IdTokenResult.Fail(OidcError.AudienceMismatch, "The ID token was not issued for this client (aud)."),
        SecurityTokenExpiredException => IdTokenResult.Fail(OidcError.Expired, "The ID token has expired."),
        SecurityTokenNotYetValidException => IdTokenResult.Fail(OidcError.NotYetValid, "The ID token is not valid yet (nbf)."),
        SecurityTokenInvalidLifetimeException => IdTokenResult.Fail(OidcError.Expired, "The ID token's lifetime is not valid (nbf after exp)."),
        SecurityTokenNoExpirationException => IdTokenResult.Fail(OidcError.MissingClaim, "The ID token has no exp claim."),
        SecurityTokenInvalidAlgorithmException => IdTokenResult.Fail(OidcError.AlgorithmNotAllowed, "The ID token's algorithm is not accepted."),
        SecurityTokenSignatureKeyNotFoundException => IdTokenResult.Fail(OidcError.BadSignature, "No key of the provider's JWKS verifies the ID token."),
        SecurityTokenInvalidSignatureException => IdTokenResult.Fail(OidcError.BadSignature, "The ID token's signature is not valid."),
        SecurityTokenMalformedException => IdTokenResult.Fail(OidcError.Malformed, "The ID token is malformed."),
        _ => IdTokenResult.Fail(OidcError.Invalid, "The ID token is not valid."),
    };

    private static string Clip(string s) => s.Length > 64 ? s[..64] + "…" : s;
}
