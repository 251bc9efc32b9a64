using System.Text;

namespace Gatehouse.Saml.Tests;

/// <summary>Positive controls: real-world-shaped responses signed by xml-crypto are accepted, and the
/// returned identity is read correctly.</summary>
public class ResponseValidatorAcceptanceTests
{
    [Theory]
    [InlineData("valid-assertion-signed", false, true)]
    [InlineData("valid-response-signed", true, false)]
    [InlineData("valid-both-signed", true, true)]
    [InlineData("valid-roundtrip", false, true)]
    public void Response_SignedByPinnedIdpKey_IsAccepted(string vector, bool responseSigned, bool assertionSigned)
    {
        var assertion = Expect.Accepted(vector);

        Assert.Equal(Vectors.NameId, assertion.NameId);
        Assert.Equal(responseSigned, assertion.ResponseSigned);
        Assert.Equal(assertionSigned, assertion.AssertionSigned);
        Assert.False(assertion.WasEncrypted);
    }

    [Fact]
    public void Response_Baseline_ReturnsEveryIdentityField()
    {
        var assertion = Expect.Accepted(Vectors.Baseline);

        Assert.Equal("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", assertion.NameIdFormat);
        Assert.Null(assertion.NameQualifier);
        Assert.Equal(Vectors.SpEntityId, assertion.SpNameQualifier);
        Assert.Equal(Vectors.IdpEntityId, assertion.Issuer);
        Assert.Equal(Vectors.AssertionId, assertion.AssertionId);
        Assert.Equal(Vectors.ResponseId, assertion.ResponseId);
        Assert.Equal(Vectors.RequestId, assertion.InResponseTo);
        Assert.Equal("_s3c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", assertion.SessionIndex);
        Assert.Equal(Vectors.Now.AddMinutes(5), assertion.NotOnOrAfter);
        Assert.Equal(Vectors.Now.AddMinutes(480), assertion.SessionNotOnOrAfter);
        Assert.Equal(Vectors.Now.AddSeconds(-3), assertion.AuthnInstant);
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", assertion.AuthnContextClassRef);
        Assert.Equal([Vectors.NameId], assertion.Attributes["email"]);
        Assert.Equal(["Alice Example & Co"], assertion.Attributes["displayName"]);
        Assert.Equal(20, assertion.Attributes["groups"].Count);
        Assert.StartsWith("CN=app-00-users,", assertion.Attributes["groups"][0]);
    }

    [Fact]
    public void Response_PassedAsDecodedBytes_IsAccepted()
    {
        var result = SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with
        {
            SamlResponse = null,
            SamlResponseXml = Vectors.Bytes(Vectors.Baseline),
        });

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public void Response_SignedWithRolloverCertificate_IsAccepted()
    {
        var assertion = Expect.Accepted("valid-rollover-cert");

        Assert.Equal(Vectors.NameId, assertion.NameId);
    }

    [Fact]
    public void Response_RolloverCertificateNotPinned_IsRejected()
    {
        Expect.Rejected("valid-rollover-cert", SamlErrorCode.SignatureInvalid, p => p with { TrustedSigningCertificates = [Vectors.IdpA] });
    }

    [Fact]
    public void Response_CommentSplitNameId_YieldsTheFullString()
    {
        // Duo 2018 (CVE-2017-11427 class): "admin@acme.example<!---->.evil.example" keeps a valid signature.
        var assertion = Expect.Accepted("comment-in-nameid");

        Assert.Equal("admin@acme.example.evil.example", assertion.NameId);
        Assert.NotEqual("admin@acme.example", assertion.NameId);
        Assert.Equal(["admin@acme.example.evil.example"], assertion.Attributes["email"]);
    }

    [Fact]
    public void Response_IdpInitiatedAllowed_IsAccepted()
    {
        var assertion = Expect.Accepted("valid-unsolicited", p => p with { ExpectedInResponseTo = null, AllowIdpInitiated = true });

        Assert.Null(assertion.InResponseTo);
    }

    [Fact]
    public void Response_Sha1WhenAllowed_IsAccepted()
    {
        Expect.Accepted("valid-sha1", p => p with { AllowSha1 = true });
    }

    [Fact]
    public void Response_RequireAssertionSignatureWithSignedAssertion_IsAccepted()
    {
        Expect.Accepted("valid-both-signed", p => p with { RequireAssertionSignature = true });
    }

    [Fact]
    public void Response_NotOnOrAfterOneSecondAhead_IsAccepted()
    {
        // Control for the exclusive bound: "not-on-or-after-now" evaluated one second earlier, no skew.
        Expect.Accepted("not-on-or-after-now", p => p with { Now = Vectors.Now.AddSeconds(-1), ClockSkew = TimeSpan.Zero });
    }

    [Fact]
    public void Response_ExpiredButWithinClockSkew_IsAccepted()
    {
        Expect.Accepted(Vectors.Baseline, p => p with { Now = Vectors.Now.AddMinutes(7) });
    }

    [Fact]
    public void Response_Base64WithLineBreaks_IsAccepted()
    {
        string wrapped = Convert.ToBase64String(Vectors.Bytes(Vectors.Baseline), Base64FormattingOptions.InsertLineBreaks);

        var result = SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with { SamlResponse = wrapped });

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public void Response_Utf8WithXmlDeclaration_IsAccepted()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + Encoding.UTF8.GetString(Vectors.Bytes(Vectors.Baseline)));

        var result = SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with { SamlResponse = Convert.ToBase64String(bytes) });

        Assert.True(result.Succeeded, result.ToString());
    }
}
