using System.Diagnostics;
using System.Text;

namespace Gatehouse.Saml.Tests;

/// <summary>Transport and parser hardening: XXE / DTD / entity expansion (§1.12), strict base64 and size
/// caps (§1.19), message shape.</summary>
public class ParsingTests
{
    [Theory]
    [InlineData("xxe-file")]
    [InlineData("xxe-parameter-entity")]
    [InlineData("doctype")]
    [InlineData("billion-laughs")]
    public void Response_WithDoctype_IsRejectedQuickly(string vector)
    {
        var clock = Stopwatch.StartNew();

        Expect.Rejected(vector, SamlErrorCode.DtdProhibited);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("-")]
    [InlineData("_")]
    [InlineData("%")]
    public void Response_NonBase64Character_IsRejected(string inserted)
    {
        string encoded = Vectors.Base64(Vectors.Baseline);
        string broken = encoded[..40] + inserted + encoded[40..];

        var result = SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with { SamlResponse = broken });

        Assert.Equal(SamlErrorCode.InvalidEncoding, result.Error?.Code);
        Expect.Accepted(Vectors.Baseline);
    }

    [Fact]
    public void Response_Base64WithoutPadding_IsRejected()
    {
        string encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("<samlp:Response/>")).TrimEnd('=');

        var result = SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with { SamlResponse = encoded });

        Assert.Equal(SamlErrorCode.InvalidEncoding, result.Error?.Code);
        Expect.Accepted(Vectors.Baseline);
    }

    [Fact]
    public void Response_LargerThanLimit_IsRejected()
    {
        int size = Vectors.Base64(Vectors.Baseline).Length;

        var refused = Vectors.Validate(Vectors.Baseline, p => p with { MaxEncodedSize = size - 1 });

        Assert.Equal(SamlErrorCode.MessageTooLarge, refused.Error?.Code);
        Expect.Accepted(Vectors.Baseline, p => p with { MaxEncodedSize = size });
    }

    [Fact]
    public void Response_DecodedBytesLargerThanLimit_IsRejected()
    {
        var result = SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with
        {
            SamlResponse = null,
            SamlResponseXml = new byte[300 * 1024],
        });

        Assert.Equal(SamlErrorCode.MessageTooLarge, result.Error?.Code);
    }

    [Fact]
    public void Response_NotWellFormed_IsRejected()
    {
        var result = Validate("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">");

        Assert.Equal(SamlErrorCode.MalformedXml, result.Error?.Code);
    }

    [Theory]
    [InlineData("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\" Version=\"2.0\"/>")]
    [InlineData("<samlp:Response xmlns:samlp=\"urn:evil\" ID=\"_x\" Version=\"2.0\"/>")]
    [InlineData("<Response ID=\"_x\" Version=\"2.0\"/>")]
    public void Message_NotAProtocolResponse_IsRejected(string xml)
    {
        Assert.Equal(SamlErrorCode.NotAResponse, Validate(xml).Error?.Code);
    }

    [Fact]
    public void Response_Version1_IsRejected()
    {
        var xml = Encoding.UTF8.GetString(Vectors.Bytes(Vectors.Baseline)).Replace("Version=\"2.0\" IssueInstant=\"2029-12-31T23:59:59Z\"", "Version=\"1.1\" IssueInstant=\"2029-12-31T23:59:59Z\"");

        Assert.Equal(SamlErrorCode.UnsupportedVersion, Validate(xml).Error?.Code);
        Expect.Accepted(Vectors.Baseline);
    }

    [Fact]
    public void Response_DeeplyNested_IsRejectedWithoutCrashing()
    {
        var deep = new StringBuilder("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\" Version=\"2.0\" IssueInstant=\"2030-01-01T00:00:00Z\"><samlp:Extensions>");
        for (int i = 0; i < 5000; i++) deep.Append("<a>");
        for (int i = 0; i < 5000; i++) deep.Append("</a>");
        deep.Append("</samlp:Extensions></samlp:Response>");

        Assert.Equal(SamlErrorCode.InvalidStructure, Validate(deep.ToString()).Error?.Code);
    }

    [Fact]
    public void Response_WithoutStatus_IsRejected()
    {
        var xml = Encoding.UTF8.GetString(Vectors.Bytes(Vectors.Baseline));
        int start = xml.IndexOf("<samlp:Status>", StringComparison.Ordinal);
        int end = xml.IndexOf("</samlp:Status>", StringComparison.Ordinal) + "</samlp:Status>".Length;

        Assert.Equal(SamlErrorCode.InvalidStructure, Validate(xml[..start] + xml[end..]).Error?.Code);
        Expect.Accepted(Vectors.Baseline);
    }

    [Fact]
    public void Response_SuccessWithoutAssertion_IsRejected()
    {
        var xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\" Version=\"2.0\" IssueInstant=\"2030-01-01T00:00:00Z\">" +
                  "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status></samlp:Response>";

        Assert.Equal(SamlErrorCode.MissingAssertion, Validate(xml).Error?.Code);
    }

    private static SamlValidationResult Validate(string xml) =>
        SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with { SamlResponse = Convert.ToBase64String(Encoding.UTF8.GetBytes(xml)) });
}
