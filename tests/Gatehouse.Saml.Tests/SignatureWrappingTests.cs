namespace Gatehouse.Saml.Tests;

/// <summary>XSW1–XSW8 (SAML Raider constructions, catalogue §1.1) and the multiple-assertion / duplicate-ID
/// family (§1.5), each built by DOM mutation of a validly signed baseline without re-signing.</summary>
public class SignatureWrappingTests
{
    [Theory]
    [InlineData("xsw1", SamlErrorCode.DuplicateId, "valid-response-signed")]
    [InlineData("xsw2", SamlErrorCode.DuplicateId, "valid-response-signed")]
    [InlineData("xsw3", SamlErrorCode.MultipleAssertions, Vectors.Baseline)]
    [InlineData("xsw4", SamlErrorCode.MultipleAssertions, Vectors.Baseline)]
    [InlineData("xsw5", SamlErrorCode.MultipleAssertions, Vectors.Baseline)]
    [InlineData("xsw6", SamlErrorCode.MultipleAssertions, Vectors.Baseline)]
    [InlineData("xsw7", SamlErrorCode.DuplicateId, Vectors.Baseline)]
    [InlineData("xsw7-samlp-extensions", SamlErrorCode.DuplicateId, Vectors.Baseline)]
    [InlineData("xsw8", SamlErrorCode.DuplicateId, Vectors.Baseline)]
    [InlineData("xsw8-ds-object", SamlErrorCode.DuplicateId, Vectors.Baseline)]
    [InlineData("xsw3-both-signed", SamlErrorCode.MultipleAssertions, "valid-both-signed")]
    public void Response_SignatureWrapping_IsRejected(string vector, SamlErrorCode code, string control)
    {
        Expect.Rejected(vector, code, control: control);
    }

    [Theory]
    [InlineData("assertion-in-extensions")]
    [InlineData("assertion-in-status-detail")]
    [InlineData("assertion-in-advice")]
    [InlineData("second-assertion-appended")]
    public void Response_SecondAssertionAnywhere_IsRejected(string vector)
    {
        Expect.Rejected(vector, SamlErrorCode.MultipleAssertions);
    }

    [Theory]
    [InlineData("duplicate-id")]
    [InlineData("duplicate-id-spelling")]
    public void Response_DuplicateIdAnySpelling_IsRejected(string vector)
    {
        Expect.Rejected(vector, SamlErrorCode.DuplicateId);
    }

    [Fact]
    public void Response_AssertionInForeignNamespace_IsRejected()
    {
        // <saml:Assertion xmlns:saml="urn:evil"> is not an assertion; it is an unknown element in the Response.
        Expect.Rejected("namespace-confusion", SamlErrorCode.InvalidStructure);
    }

    [Fact]
    public void Response_WrappedWithoutStructuralDefences_StillFailsTheReferenceRule()
    {
        // Defence in depth: even if the ID/assertion-count rules were gone, the signature's reference must be
        // "#" + its parent's ID. XSW5's evil assertion carries the signature whose Reference says "#A1".
        var xml = System.Text.Encoding.UTF8.GetString(Vectors.Bytes("xsw5"));
        var evilOnly = xml[..xml.LastIndexOf("<saml:Assertion", StringComparison.Ordinal)] + "\n</samlp:Response>";

        var result = SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with
        {
            SamlResponse = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(evilOnly)),
        });

        Expect.Accepted(Vectors.Baseline);
        Assert.Equal(SamlErrorCode.SignatureReferenceInvalid, result.Error?.Code);
    }
}
