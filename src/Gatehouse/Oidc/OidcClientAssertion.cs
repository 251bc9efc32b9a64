using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Oidc;

/// <summary>
/// <c>private_key_jwt</c> client authentication (OIDC Core §9, RFC 7523 §2.2): instead of a shared secret, the token
/// request carries a short-lived JWT signed with the provider's own Gatehouse key (the provider's SP key ring,
/// shared with SAML), whose public half the IdP reads from <c>/oidc/{id}/jwks</c>.
/// </summary>
public static class OidcClientAssertion
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>iss = sub = client_id, aud = the token endpoint (what Okta and Entra require), a unique jti, two minutes of life.</summary>
    public static string Create(RSA key, string keyId, string clientId, string tokenEndpoint, DateTime now) =>
        Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = tokenEndpoint,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)) },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });

    /// <summary>The kid of a key: the base64url SHA-256 of its certificate (stable, and unique per key).</summary>
    public static string KeyId(X509Certificate2 certificate) => Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>The public keys to publish: the current one and, before a rollover, the next (the IdP caches JWKS).</summary>
    public static object Jwks(IEnumerable<X509Certificate2> certificates) => new
    {
        keys = certificates.Select(c =>
        {
            using var rsa = c.GetRSAPublicKey()!;
            var p = rsa.ExportParameters(false);
            return new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId(c), n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) };
        }).ToList(),
    };
}
