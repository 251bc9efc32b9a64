using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;

namespace Gatehouse.Saml.Tests;

/// <summary>The lean verifier's canonicalizer against .NET's XmlDsigExcC14NTransform (differential), and the
/// lean verifier against stock SignedXml.CheckSignature(key) on the xml-crypto vectors.</summary>
public class CanonicalizerTests
{
    public static TheoryData<string> TrickyDocuments => new()
    {
        "<a xmlns=\"urn:d\" xmlns:p=\"urn:p\" xmlns:unused=\"urn:u\"><b xmlns=\"\"><c/></b><p:d p:z=\"1\" a=\"2\" b=\"&quot;&lt;&gt;&amp;&#9;&#10;&#13;\"/></a>",
        "<r xmlns:x=\"urn:x\" xml:lang=\"en\"><x:e x:b=\"2\" x:a=\"1\" b=\"0\" xmlns:y=\"urn:y\" y:c=\"3\">t&amp;&lt;&gt;&#13;\n<![CDATA[<raw>&]]><?pi data?><?bare?><!-- comment --></x:e></r>",
        "<p:r xmlns:p=\"urn:p\"><p:s xmlns:p=\"urn:p2\"><p:t xmlns:p=\"urn:p\"/></p:s><q:u xmlns:q=\"urn:p\"/></p:r>",
        "<r xmlns=\"urn:a\"><s xmlns=\"urn:a\"><t xmlns=\"urn:b\"/></s>  \n\t <u>é€😀</u></r>",
    };

    [Theory]
    [MemberData(nameof(TrickyDocuments))]
    public void Canonicalizer_TrickyDocument_MatchesDotNetTransform(string xml)
    {
        var document = Load(xml);

        foreach (bool comments in new[] { false, true })
        {
            var expected = DotNetExcC14n(document, comments, null);
            var actual = ExclusiveCanonicalizer.Canonicalize(document.DocumentElement!, null, comments, null);
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual!));
        }
    }

    [Theory]
    [InlineData("xs #default")]
    [InlineData("p unused")]
    public void Canonicalizer_InclusivePrefixList_MatchesDotNetTransform(string prefixList)
    {
        var document = Load("<a xmlns=\"urn:d\" xmlns:p=\"urn:p\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:unused=\"urn:u\"><b xmlns=\"\" v=\"xs:string\"><c xmlns:p=\"urn:p\"/></b></a>");

        var expected = DotNetExcC14n(document, false, prefixList);
        var actual = ExclusiveCanonicalizer.Canonicalize(document.DocumentElement!, null, false, prefixList.Split(' '));

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual!));
    }

    [Theory]
    [MemberData(nameof(PlainVectors))]
    public void Canonicalizer_WholeVectorDocument_MatchesDotNetTransform(string vector)
    {
        var document = Load(Encoding.UTF8.GetString(Vectors.Bytes(vector)));

        var expected = DotNetExcC14n(document, false, null);
        var actual = ExclusiveCanonicalizer.Canonicalize(document.DocumentElement!, null, false, null);

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual!));
    }

    public static TheoryData<string> PlainVectors => new()
    {
        "valid-assertion-signed", "valid-response-signed", "valid-both-signed", "comment-in-nameid", "xsw8-ds-object",
    };

    [Theory]
    [InlineData("valid-assertion-signed", true)]
    [InlineData("valid-response-signed", true)]
    [InlineData("valid-both-signed", true)]
    [InlineData("valid-rollover-cert", true)]
    [InlineData("comment-in-nameid", true)]
    [InlineData("nameid-tampered", false)]
    [InlineData("attacker-signed", false)]
    public void LeanVerifier_Vector_AgreesWithStockSignedXml(string vector, bool valid)
    {
        var document = SafeXml.Load(Vectors.Bytes(vector), 1 << 20, out _)!;
        var signatures = document.GetElementsByTagName("Signature", "http://www.w3.org/2000/09/xmldsig#").Cast<XmlElement>().ToList();
        using var idpA = Vectors.IdpA.GetRSAPublicKey()!;
        using var idpANext = Vectors.IdpANext.GetRSAPublicKey()!;

        foreach (var signatureElement in signatures)
        {
            var signedElement = (XmlElement)signatureElement.ParentNode!;
            var stock = new StrictIdSignedXml(signedElement);
            stock.LoadXml(signatureElement);
            bool stockValid = stock.CheckSignature(idpA) || stock.CheckSignature(idpANext);

            var info = SignatureInfo.Parse(signatureElement, signedElement, allowSha1: false, out var parseError);
            Assert.Null(parseError);
            bool leanValid = SignatureVerifier.Verify(info!, [idpA, idpANext]) is null;

            Assert.Equal(valid, stockValid);
            Assert.Equal(stockValid, leanValid);
        }
    }

    private static XmlDocument Load(string xml) => SafeXml.Load(Encoding.UTF8.GetBytes(xml), 1 << 20, out _)!;

    private static byte[] DotNetExcC14n(XmlDocument document, bool comments, string? prefixList)
    {
        var transform = new XmlDsigExcC14NTransform(comments, prefixList);
        transform.LoadInput(document);
        using var output = (Stream)transform.GetOutput(typeof(Stream));
        using var copy = new MemoryStream();
        output.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>SignedXml with Sustainsys v3-style strict ID resolution (catalogue §1.18.1): one XPath over
/// ID/Id/id, exactly one match, NCName only.</summary>
internal sealed class StrictIdSignedXml(XmlElement element) : SignedXml(element)
{
    public override XmlElement? GetIdElement(XmlDocument? document, string idValue)
    {
        if (document is null) return null;
        try
        {
            XmlConvert.VerifyNCName(idValue);
        }
        catch (XmlException)
        {
            return null;
        }
        var nodes = document.SelectNodes($"//*[@ID='{idValue}' or @Id='{idValue}' or @id='{idValue}']");
        if (nodes is null || nodes.Count != 1) throw new CryptographicException($"Ambiguous or missing id '{idValue}'.");
        var found = (XmlElement)nodes[0]!;
        return found.HasAttribute("ID") ? found : throw new CryptographicException("Only the ID attribute is accepted.");
    }
}
