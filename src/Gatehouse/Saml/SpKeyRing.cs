using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Persistence;
using Gatehouse.Providers;

namespace Gatehouse.Saml;

/// <summary>One generated SP key: <c>signing</c> or <c>encryption</c>; <c>current</c>, <c>next</c> (published
/// before rollover) or <c>previous</c> (still decrypts in-flight responses until it expires).</summary>
public sealed record SpKey(
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("pkcs8")] string Pkcs8,
    [property: JsonPropertyName("certificate")] string Certificate,
    [property: JsonPropertyName("not_after")] DateTime NotAfter);

/// <summary>
/// The SP keys of one provider (signing for AuthnRequests, encryption for EncryptedAssertion), generated on
/// creation: RSA-2048, self-signed (SAML pins keys; no CA is involved). Rollover: a <c>next</c> key is generated
/// and published in the SP metadata <see cref="PublishNextBefore"/> ahead of expiry, and becomes current
/// <see cref="SwitchBefore"/> ahead of it, so IdPs that refresh our metadata never see an unknown key.
/// </summary>
public static class SpKeyRing
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(3 * 365);
    public static readonly TimeSpan PublishNextBefore = TimeSpan.FromDays(60);
    public static readonly TimeSpan SwitchBefore = TimeSpan.FromDays(14);
    public const string Signing = "signing", Encryption = "encryption";

    public static List<SpKey> Generate(DateTimeOffset now) => [New(Signing, "current", now), New(Encryption, "current", now)];

    /// <summary>Advances the rollover; true when the ring changed (then it must be saved).</summary>
    public static bool Rotate(List<SpKey> keys, DateTimeOffset now)
    {
        var changed = false;
        foreach (var use in new[] { Signing, Encryption })
        {
            changed |= keys.RemoveAll(k => k.Use == use && k.State == "previous" && k.NotAfter <= now.UtcDateTime) > 0;
            var current = keys.FirstOrDefault(k => k.Use == use && k.State == "current");
            if (current is null)
            {
                keys.Add(New(use, "current", now));
                changed = true;
                continue;
            }
            var next = keys.FirstOrDefault(k => k.Use == use && k.State == "next");
            if (next is null && current.NotAfter - now.UtcDateTime <= PublishNextBefore)
            {
                keys.Add(next = New(use, "next", now));
                changed = true;
            }
            if (next is not null && current.NotAfter - now.UtcDateTime <= SwitchBefore)
            {
                keys.RemoveAll(k => k.Use == use && k.State == "previous");
                keys[keys.IndexOf(current)] = current with { State = "previous" };
                keys[keys.IndexOf(next)] = next with { State = "current" };
                changed = true;
            }
        }
        return changed;
    }

    private static SpKey New(string use, string state, DateTimeOffset now)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Gatehouse SAML SP {use} {RandomNumberGenerator.GetHexString(8, true)}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            use == Signing ? X509KeyUsageFlags.DigitalSignature : X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        var notAfter = now + Lifetime;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), notAfter);
        return new SpKey(use, state, Convert.ToBase64String(rsa.ExportPkcs8PrivateKey()), Convert.ToBase64String(certificate.RawData),
            new DateTime(notAfter.UtcTicks, DateTimeKind.Utc));
    }
}

/// <summary>A provider's SP keys ready to use: the current signing key, the certificates to publish, every decryption key.</summary>
public sealed record LoadedSpKeys(RSA SigningKey, IReadOnlyList<X509Certificate2> SigningCertificates,
    IReadOnlyList<X509Certificate2> EncryptionCertificates, IReadOnlyList<RSA> DecryptionKeys);

/// <summary>Loads (and rolls over) the SP keys of a provider; the keys live only as Data Protection ciphertext at rest.</summary>
public sealed class SpKeys(ProviderSecrets secrets, TimeProvider time)
{
    private static readonly ConcurrentDictionary<string, LoadedSpKeys> Loaded = new();

    public void EnsureGenerated(SsoStrategy s)
    {
        if (s.SpKeysProtected is null) s.SpKeysProtected = Protect(SpKeyRing.Generate(time.GetUtcNow()));
    }

    /// <summary>The keys of <paramref name="s"/>, after generating or rolling them over when due (saved at once).</summary>
    public async Task<LoadedSpKeys> GetAsync(GatehouseDb db, SsoStrategy s, CancellationToken ct)
    {
        var keys = s.SpKeysProtected is null ? [] : Unprotect(s.SpKeysProtected);
        if (s.SpKeysProtected is null || SpKeyRing.Rotate(keys, time.GetUtcNow()))
        {
            if (keys.Count == 0) keys = SpKeyRing.Generate(time.GetUtcNow());
            s.SpKeysProtected = Protect(keys);
            await db.SaveChangesAsync(ct);
        }
        var protectedKeys = s.SpKeysProtected!;
        // Keyed by the ciphertext: a rollover (new ciphertext) loads afresh; the map stays as small as the providers.
        return Loaded.GetOrAdd(protectedKeys, _ => Load(keys));
    }

    private static LoadedSpKeys Load(List<SpKey> keys)
    {
        static int Order(SpKey k) => k.State switch { "current" => 0, "next" => 1, _ => 2 };
        var ordered = keys.OrderBy(Order).ToList();
        RSA Rsa(SpKey k) { var r = RSA.Create(); r.ImportPkcs8PrivateKey(Convert.FromBase64String(k.Pkcs8), out _); return r; }
        X509Certificate2 Cert(SpKey k) => X509CertificateLoader.LoadCertificate(Convert.FromBase64String(k.Certificate));
        var signing = ordered.First(k => k.Use == SpKeyRing.Signing && k.State == "current");
        return new LoadedSpKeys(
            Rsa(signing),
            ordered.Where(k => k.Use == SpKeyRing.Signing && k.State != "previous").Select(Cert).ToList(),
            ordered.Where(k => k.Use == SpKeyRing.Encryption && k.State != "previous").Select(Cert).ToList(),
            ordered.Where(k => k.Use == SpKeyRing.Encryption).Select(Rsa).ToList());
    }

    private string Protect(List<SpKey> keys) => secrets.Protect(JsonSerializer.Serialize(keys));

    private List<SpKey> Unprotect(string protectedKeys) => JsonSerializer.Deserialize<List<SpKey>>(secrets.Unprotect(protectedKeys)) ?? [];
}
