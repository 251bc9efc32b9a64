using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using BenchmarkDotNet.Attributes;
using Gatehouse.Saml;

namespace Gatehouse.Bench.Saml;

/// <summary>Full validation of the typical ~8 KB assertion-signed Response (xml-crypto vector) against the
/// floor: safe parse + exc-c14n of the assertion + SHA-256 + one RSA-2048 verify, measured in the same run.</summary>
[MemoryDiagnoser]
public class ResponseValidationBenchmarks
{
    private const string Ds = "http://www.w3.org/2000/09/xmldsig#";

    private byte[] _xml = [];
    private string _base64 = "";
    private X509Certificate2 _certificate = null!;
    private RSA _key = null!;
    private ResponseValidationParameters _parameters = null!;
    private XmlDocument _assertionOnly = null!;
    private byte[] _canonicalSignedInfo = [];
    private byte[] _signatureValue = [];

    internal (byte[] Xml, System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate, RSA Key, ResponseValidationParameters Parameters) Inputs =>
        (_xml, _certificate, _key, _parameters);

    [GlobalSetup]
    public void Setup()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "vectors");
        _xml = File.ReadAllBytes(Path.Combine(dir, "valid-assertion-signed.xml"));
        _base64 = Convert.ToBase64String(_xml);
        _certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "idp-a.cert.pem")));
        _key = _certificate.GetRSAPublicKey()!;
        _parameters = new ResponseValidationParameters
        {
            SamlResponse = _base64,
            ExpectedIssuer = "https://idp-a.example.com/saml",
            TrustedSigningCertificates = [_certificate],
            SpEntityId = "https://sp.gatehouse.test/t/acme/saml",
            AcsUrl = "https://sp.gatehouse.test/t/acme/saml/acs",
            ExpectedInResponseTo = "_0f5c2a7e9d1b4c3a8e6f0a1b2c3d4e5f",
            Now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        if (!SamlResponseValidator.Validate(_parameters).Succeeded) throw new InvalidOperationException("vector does not validate");

        // Floor inputs prepared once: the assertion as its own document (so the floor's c14n is the stock
        // transform over exactly the assertion), the canonical SignedInfo and the signature value.
        var document = Parse(_xml);
        var assertion = (XmlElement)document.GetElementsByTagName("Assertion", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!;
        var signature = (XmlElement)assertion.GetElementsByTagName("Signature", Ds)[0]!;
        _assertionOnly = new XmlDocument { PreserveWhitespace = true };
        _assertionOnly.AppendChild(_assertionOnly.ImportNode(assertion, true));
        _assertionOnly.DocumentElement!.RemoveChild(_assertionOnly.DocumentElement.GetElementsByTagName("Signature", Ds)[0]!);
        var signedInfo = new XmlDocument { PreserveWhitespace = true };
        signedInfo.AppendChild(signedInfo.ImportNode((XmlElement)signature.GetElementsByTagName("SignedInfo", Ds)[0]!, true));
        _canonicalSignedInfo = ExcC14n(signedInfo);
        _signatureValue = Convert.FromBase64String(signature.GetElementsByTagName("SignatureValue", Ds)[0]!.InnerText);
        if (!Floor()) throw new InvalidOperationException("floor does not verify");
        if (!StockSignedXml()) throw new InvalidOperationException("stock SignedXml does not verify");
    }

    [Benchmark(Baseline = true, Description = "Floor: parse + exc-c14n(assertion) + SHA-256 + RSA verify")]
    public bool Floor()
    {
        var document = Parse(_xml);
        byte[] canonical = ExcC14n(_assertionOnly);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(canonical, digest);
        bool verified = _key.VerifyData(_canonicalSignedInfo, _signatureValue, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return verified && document.DocumentElement is not null && canonical.Length > 0;
    }

    [Benchmark(Description = "Floor, own c14n: parse + ExclusiveCanonicalizer(assertion) + SHA-256 + RSA verify")]
    public bool FloorOwnCanonicalizer()
    {
        var document = Parse(_xml);
        var assertion = (XmlElement)document.DocumentElement!.GetElementsByTagName("Assertion", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!;
        byte[] canonical = ExclusiveCanonicalizer.Canonicalize(assertion, assertion["Signature", Ds], false, null)!;
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(canonical, digest);
        bool verified = _key.VerifyData(_canonicalSignedInfo, _signatureValue, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return verified && canonical.Length > 0;
    }

    [Benchmark(Description = "Gatehouse: full SamlResponseValidator.Validate (base64 in)")]
    public bool FullValidation() => SamlResponseValidator.Validate(_parameters).Succeeded;

    [Benchmark(Description = "Stock: parse + SignedXml.CheckSignature(key), strict GetIdElement")]
    public bool StockSignedXml()
    {
        var document = Parse(_xml);
        var assertion = (XmlElement)document.GetElementsByTagName("Assertion", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!;
        var signed = new StrictIdSignedXml(assertion);
        signed.LoadXml((XmlElement)assertion.GetElementsByTagName("Signature", Ds)[0]!);
        return signed.CheckSignature(_key);
    }

    [Benchmark(Description = "Stock: parse + SignedXml.CheckSignature(key), default GetIdElement")]
    public bool StockSignedXmlDefaultIds()
    {
        var document = Parse(_xml);
        var assertion = (XmlElement)document.GetElementsByTagName("Assertion", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!;
        var signed = new SignedXml(assertion);
        signed.LoadXml((XmlElement)assertion.GetElementsByTagName("Signature", Ds)[0]!);
        return signed.CheckSignature(_key);
    }

    private static XmlDocument Parse(byte[] xml)
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var reader = XmlReader.Create(new MemoryStream(xml), new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = 256 * 1024,
        });
        document.Load(reader);
        return document;
    }

    private static byte[] ExcC14n(XmlDocument document)
    {
        var transform = new XmlDsigExcC14NTransform();
        transform.LoadInput(document);
        using var output = (Stream)transform.GetOutput(typeof(Stream));
        using var copy = new MemoryStream();
        output.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>Strict ID resolution (catalogue §1.18.1) so the stock comparison is the hardened stock path.</summary>
internal sealed class StrictIdSignedXml(XmlElement element) : SignedXml(element)
{
    public override XmlElement? GetIdElement(XmlDocument? document, string idValue)
    {
        if (document is null) return null;
        XmlConvert.VerifyNCName(idValue);
        var nodes = document.SelectNodes($"//*[@ID='{idValue}' or @Id='{idValue}' or @id='{idValue}']");
        return nodes is { Count: 1 } && nodes[0] is XmlElement e && e.HasAttribute("ID")
            ? e
            : throw new CryptographicException($"Ambiguous or missing id '{idValue}'.");
    }
}
