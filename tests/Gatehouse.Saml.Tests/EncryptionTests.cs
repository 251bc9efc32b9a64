namespace Gatehouse.Saml.Tests;

/// <summary>EncryptedAssertion (catalogue §1.17 CVE-2024-4985 row, §1.18.11): decrypted with the SP keys,
/// then held to the same rules; RSA 1.5 refused; CBC can be switched off.</summary>
public class EncryptionTests
{
    [Theory]
    [InlineData("valid-encrypted-aes256gcm-oaep", false, true)]
    [InlineData("valid-encrypted-aes128cbc-oaep256", false, true)]
    [InlineData("valid-encrypted-aes256cbc", false, true)]
    [InlineData("valid-encrypted-aes128gcm-next-sp-key", false, true)]
    [InlineData("valid-encrypted-response-signed", true, false)]
    public void EncryptedAssertion_ValidAlgorithms_IsAccepted(string vector, bool responseSigned, bool assertionSigned)
    {
        var assertion = Expect.Accepted(vector);

        Assert.True(assertion.WasEncrypted);
        Assert.Equal(Vectors.NameId, assertion.NameId);
        Assert.Equal(responseSigned, assertion.ResponseSigned);
        Assert.Equal(assertionSigned, assertion.AssertionSigned);
        Assert.Equal(Vectors.AssertionId, assertion.AssertionId);
    }

    [Fact]
    public void EncryptedAssertion_RsaPkcs1v15KeyTransport_IsRejected()
    {
        Expect.Rejected("encrypted-rsa15", SamlErrorCode.EncryptionAlgorithmNotAllowed, control: "valid-encrypted-aes256gcm-oaep");
    }

    [Fact]
    public void EncryptedAssertion_CbcWhenDisallowed_IsRejected()
    {
        Expect.Rejected("valid-encrypted-aes256cbc", SamlErrorCode.EncryptionAlgorithmNotAllowed,
            p => p with { AllowAesCbc = false }, control: "valid-encrypted-aes256gcm-oaep");
    }

    [Fact]
    public void EncryptedAssertion_EncryptedToKeyWeDoNotHold_IsRejected()
    {
        Expect.Rejected("valid-encrypted-aes128gcm-next-sp-key", SamlErrorCode.NoDecryptionKey,
            p => p with { DecryptionKeys = [Vectors.SpKey] }, control: "valid-encrypted-aes256gcm-oaep");
    }

    [Fact]
    public void EncryptedAssertion_NoDecryptionKeysConfigured_IsRejected()
    {
        var result = Vectors.Validate("valid-encrypted-aes256gcm-oaep", p => p with { DecryptionKeys = [] });

        Assert.Equal(SamlErrorCode.NoDecryptionKey, result.Error?.Code);
        Expect.Accepted("valid-encrypted-aes256gcm-oaep");
    }

    [Fact]
    public void EncryptedAssertion_CiphertextTampered_IsRejected()
    {
        var xml = System.Text.Encoding.UTF8.GetString(Vectors.Bytes("valid-encrypted-aes256gcm-oaep"));
        int marker = xml.LastIndexOf("<xenc:CipherValue>", StringComparison.Ordinal) + "<xenc:CipherValue>".Length + 40;
        char flipped = xml[marker] == 'A' ? 'B' : 'A';
        var tampered = xml[..marker] + flipped + xml[(marker + 1)..];

        var result = SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with
        {
            SamlResponse = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(tampered)),
        });

        Assert.Equal(SamlErrorCode.DecryptionFailed, result.Error?.Code);
        Expect.Accepted("valid-encrypted-aes256gcm-oaep");
    }

    [Fact]
    public void EncryptedAssertion_OnlyResponseSignedWhenAssertionSignatureRequired_IsRejected()
    {
        Expect.Rejected("valid-encrypted-response-signed", SamlErrorCode.AssertionSignatureRequired,
            p => p with { RequireAssertionSignature = true }, control: "valid-encrypted-aes256gcm-oaep");
    }
}
