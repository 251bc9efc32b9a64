using System.Text;

namespace Gatehouse.Saml.Tests;

/// <summary>Structural rules applied before any cryptography, shown on string-mutated baselines.</summary>
public class StructureTests
{
    private static readonly string Baseline = Encoding.UTF8.GetString(Vectors.Bytes(Vectors.Baseline));

    [Fact]
    public void Response_SignatureSmuggledIntoExtensions_IsRejected()
    {
        // CVE-2024-45409 shape: signature parts parked where a document-wide XPath would find them first.
        var xml = Baseline.Replace("</saml:Issuer>\n  <samlp:Status>",
            "</saml:Issuer>\n  <samlp:Extensions><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo/></ds:Signature></samlp:Extensions>\n  <samlp:Status>");

        Assert.NotEqual(Baseline, xml);
        Assert.Equal(SamlErrorCode.SignatureMalformed, Validate(xml).Error?.Code);
        Expect.Accepted(Vectors.Baseline);
    }

    [Fact]
    public void Assertion_SecondSubject_IsRejected()
    {
        int start = Baseline.IndexOf("<saml:Subject>", StringComparison.Ordinal);
        int end = Baseline.IndexOf("</saml:Subject>", StringComparison.Ordinal) + "</saml:Subject>".Length;
        var xml = Baseline.Insert(end, Baseline[start..end]);

        Assert.Equal(SamlErrorCode.InvalidStructure, Validate(xml).Error?.Code);
        Expect.Accepted(Vectors.Baseline);
    }

    [Fact]
    public void Response_IssueInstantWithoutZone_IsRejected()
    {
        var xml = Baseline.Replace("IssueInstant=\"2029-12-31T23:59:59Z\"", "IssueInstant=\"2029-12-31T23:59:59\"");

        Assert.NotEqual(Baseline, xml);
        Assert.Equal(SamlErrorCode.InvalidTimestamp, Validate(xml).Error?.Code);
        Expect.Accepted(Vectors.Baseline);
    }

    [Fact]
    public void Response_UnknownElementAfterAssertion_IsRejected()
    {
        var xml = Baseline.Replace("</samlp:Response>", "<x:Extra xmlns:x=\"urn:x\"/></samlp:Response>");

        Assert.Equal(SamlErrorCode.InvalidStructure, Validate(xml).Error?.Code);
        Expect.Accepted(Vectors.Baseline);
    }

    private static SamlValidationResult Validate(string xml) =>
        SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with { SamlResponse = Convert.ToBase64String(Encoding.UTF8.GetBytes(xml)) });
}
