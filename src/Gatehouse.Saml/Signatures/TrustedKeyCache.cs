using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gatehouse.Saml;

/// <summary>Public keys of pinned certificates, extracted once per certificate instance and thread.
/// Extracting the RSA key from a certificate costs several RSA verifies on Linux/OpenSSL, so doing it per
/// validation dominated the lean path. Per thread, because RSA instances are not documented as safe for
/// concurrent use; weakly keyed by the certificate object, so entries go away with the host's certificates.
/// Hosts should keep their parsed certificates (per provider) instead of re-creating them per request.</summary>
internal static class TrustedKeyCache
{
    private static readonly RSA NotUsable = RSA.Create(); // marker: not RSA, or weaker than 2048 bits

    [ThreadStatic] private static ConditionalWeakTable<X509Certificate2, RSA>? s_keys;

    public static RSA? Get(X509Certificate2 certificate)
    {
        var keys = s_keys ??= new ConditionalWeakTable<X509Certificate2, RSA>();
        var key = keys.GetValue(certificate, static c =>
        {
            var rsa = c.GetRSAPublicKey();
            if (rsa is not null && rsa.KeySize >= 2048) return rsa;
            rsa?.Dispose(); // weak keys are not trusted (NIST SP 800-131A)
            return NotUsable;
        });
        return ReferenceEquals(key, NotUsable) ? null : key;
    }
}
