namespace Gatehouse.Saml.Tests;

/// <summary>Signature exclusion (§1.2), cert faking (§1.3), transforms (§1.13), weak algorithms (§1.14),
/// HMAC key confusion (§1.15), canonicalization and reference tricks (§1.16), 2025 xml-crypto CVEs (§1.17).</summary>
public class SignatureTests
{
    [Theory]
    [InlineData("signature-stripped", SamlErrorCode.SignatureMissing)]
    [InlineData("signature-empty", SamlErrorCode.SignatureMalformed)]
    [InlineData("signature-value-missing", SamlErrorCode.SignatureMalformed)]
    [InlineData("signature-at-end", SamlErrorCode.InvalidStructure)]
    public void Response_SignatureExcluded_IsRejected(string vector, SamlErrorCode code)
    {
        Expect.Rejected(vector, code);
    }

    [Theory]
    [InlineData("encrypted-unsigned")]
    [InlineData("encrypted-evil-unsigned")]
    public void Response_EncryptedButNothingSigned_IsRejected(string vector)
    {
        Expect.Rejected(vector, SamlErrorCode.SignatureMissing, control: "valid-encrypted-aes256gcm-oaep");
    }

    [Fact]
    public void Response_OnlyResponseSignedWhenAssertionSignatureRequired_IsRejected()
    {
        Expect.Rejected("valid-response-signed", SamlErrorCode.AssertionSignatureRequired,
            p => p with { RequireAssertionSignature = true });
    }

    [Fact]
    public void Response_SignedNameIdTampered_IsRejected()
    {
        Expect.Rejected("nameid-tampered", SamlErrorCode.DigestMismatch);
    }

    [Fact]
    public void Response_BothSignedAndEnvelopeTampered_IsRejected()
    {
        // The assertion signature alone is still valid: any present invalid signature rejects (node-saml #58).
        Expect.Rejected("response-signed-tampered", SamlErrorCode.DigestMismatch, control: "valid-both-signed");
    }

    [Theory]
    [InlineData("attacker-signed")]
    [InlineData("attacker-signed-real-cert-in-keyinfo")]
    [InlineData("idp-b-signed")]
    public void Response_SignedByUnpinnedKey_IsRejected(string vector)
    {
        Expect.Rejected(vector, SamlErrorCode.SignatureInvalid);
    }

    [Fact]
    public void Response_NoUsableTrustedCertificates_IsRejected()
    {
        var result = Vectors.Validate(Vectors.Baseline, p => p with { TrustedSigningCertificates = [] });

        Assert.Equal(SamlErrorCode.NoTrustedKeys, result.Error?.Code);
        Expect.Accepted(Vectors.Baseline);
    }

    [Fact]
    public void Response_HmacSignatureKeyedWithPublicCert_IsRejected()
    {
        Expect.Rejected("hmac-signature", SamlErrorCode.SignatureAlgorithmNotAllowed);
    }

    [Fact]
    public void Response_HmacSignatureEvenWithSha1Allowed_IsRejected()
    {
        Expect.Rejected("hmac-signature", SamlErrorCode.SignatureAlgorithmNotAllowed, p => p with { AllowSha1 = true });
    }

    [Fact]
    public void Response_Sha1SignatureByDefault_IsRejected()
    {
        Expect.Rejected("valid-sha1", SamlErrorCode.SignatureAlgorithmNotAllowed);
    }

    [Fact]
    public void Response_Sha1DigestUnderSha256Signature_IsRejected()
    {
        Expect.Rejected("sha1-digest-mixed", SamlErrorCode.DigestAlgorithmNotAllowed);
    }

    [Theory]
    [InlineData("xpath-transform")]
    [InlineData("xslt-transform")]
    public void Response_ExtraTransform_IsRejected(string vector)
    {
        Expect.Rejected(vector, SamlErrorCode.TransformNotAllowed);
    }

    [Fact]
    public void Response_InclusiveCanonicalization_IsRejected()
    {
        Expect.Rejected("inclusive-c14n", SamlErrorCode.CanonicalizationNotAllowed);
    }

    [Fact]
    public void Response_ReferenceUriEmpty_IsRejected()
    {
        Expect.Rejected("reference-uri-empty", SamlErrorCode.SignatureReferenceInvalid);
    }

    [Fact]
    public void Response_AssertionSignatureReferencingTheResponse_IsRejected()
    {
        Expect.Rejected("reference-other-id", SamlErrorCode.SignatureReferenceInvalid);
    }

    [Fact]
    public void Response_SecondSignedInfoInWrapper_IsRejected()
    {
        Expect.Rejected("signedinfo-wrapped", SamlErrorCode.SignatureMalformed); // CVE-2025-29774
    }

    [Fact]
    public void Response_CommentInsideDigestValue_IsRejected()
    {
        Expect.Rejected("digest-value-comment", SamlErrorCode.SignatureMalformed); // CVE-2025-29775
    }
}
