using System.Security.Cryptography;

namespace Gatehouse.Saml;

/// <summary>The lean verifier: canonical SignedInfo checked with each pinned RSA key, then the one reference
/// digest recomputed over the signature's parent (enveloped transform = leave this Signature out).
/// Equivalent to SignedXml.CheckSignature(AsymmetricAlgorithm) on a pre-validated signature, without its
/// serialize-and-reparse of every reference, and without ever looking at KeyInfo (cert faking, catalogue §1.3).</summary>
internal static class SignatureVerifier
{
    public static SamlError? Verify(SignatureInfo signature, IReadOnlyList<RSA> trustedKeys)
    {
        // 1. SignatureValue over canonical SignedInfo, pinned keys only (rollover: any of them).
        byte[]? signedInfo = ExclusiveCanonicalizer.Canonicalize(signature.SignedInfo, excluded: null,
            signature.SignedInfoWithComments, signature.SignedInfoPrefixes);
        if (signedInfo is null)
        {
            return new SamlError(SamlErrorCode.SignatureInvalid, "The signature's SignedInfo could not be canonicalized.");
        }
        bool trusted = false;
        foreach (var key in trustedKeys)
        {
            if (VerifyWith(key, signedInfo, signature))
            {
                trusted = true;
                break;
            }
        }
        if (!trusted)
        {
            return new SamlError(SamlErrorCode.SignatureInvalid,
                $"The {signature.SignedElement.LocalName} signature does not verify with any trusted IdP certificate " +
                "(a certificate in the message's KeyInfo is never trusted).");
        }

        // 2. The reference digest over the very element we will read. "#id" references drop comments
        //    (XML-DSig 4.3.3.3), so comments never count, which is why NameID is read in full later.
        byte[]? canonical = ExclusiveCanonicalizer.Canonicalize(signature.SignedElement, signature.Signature,
            withComments: false, signature.ReferencePrefixes);
        if (canonical is null)
        {
            return new SamlError(SamlErrorCode.DigestMismatch, "The signed element could not be canonicalized.");
        }
        Span<byte> digest = stackalloc byte[64];
        int length = Hash(signature.DigestHash, canonical, digest);
        if (!CryptographicOperations.FixedTimeEquals(digest[..length], signature.DigestValue))
        {
            return new SamlError(SamlErrorCode.DigestMismatch,
                $"The signed {signature.SignedElement.LocalName} was altered after signing (digest mismatch).");
        }
        return null;
    }

    private static bool VerifyWith(RSA key, byte[] signedInfo, SignatureInfo signature)
    {
        try
        {
            return key.VerifyData(signedInfo, signature.SignatureValue, signature.SignatureHash, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false; // e.g. a SignatureValue longer than the modulus: simply not a valid signature
        }
    }

    private static int Hash(HashAlgorithmName name, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (name == HashAlgorithmName.SHA256) return SHA256.HashData(data, destination);
        if (name == HashAlgorithmName.SHA384) return SHA384.HashData(data, destination);
        if (name == HashAlgorithmName.SHA512) return SHA512.HashData(data, destination);
        if (name == HashAlgorithmName.SHA1) return SHA1.HashData(data, destination);
        throw new InvalidOperationException($"Unexpected digest {name}."); // pre-validation admits no other
    }
}
