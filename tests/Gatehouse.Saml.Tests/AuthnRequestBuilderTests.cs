using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace Gatehouse.Saml.Tests;

public class AuthnRequestBuilderTests
{
    private static readonly AuthnRequestParameters Parameters = new()
    {
        SpEntityId = Vectors.SpEntityId,
        AcsUrl = Vectors.Acs,
        IdpSsoUrl = "https://idp-a.example.com/saml/sso",
        Now = Vectors.Now,
        NameIdFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        RelayState = "r-7f3a",
    };

    [Fact]
    public void Build_Twice_GivesFreshRandomNcNameIds()
    {
        var first = AuthnRequestBuilder.Build(Parameters);
        var second = AuthnRequestBuilder.Build(Parameters);

        Assert.Matches("^_[0-9a-f]{32}$", first.Id);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void Build_RedirectUrl_InflatesToTheAuthnRequest()
    {
        var message = AuthnRequestBuilder.Build(Parameters);

        var query = Query(message.RedirectUrl);
        Assert.StartsWith("https://idp-a.example.com/saml/sso?SAMLRequest=", message.RedirectUrl);
        Assert.Equal("r-7f3a", query["RelayState"]);
        Assert.False(query.ContainsKey("Signature"));
        var request = Inflate(query["SAMLRequest"]);
        Assert.Equal(message.Xml, request);
        var root = LoadElement(request);
        Assert.Equal("AuthnRequest", root.LocalName);
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:protocol", root.NamespaceURI);
        Assert.Equal(message.Id, root.GetAttribute("ID"));
        Assert.Equal("2.0", root.GetAttribute("Version"));
        Assert.Equal("2030-01-01T00:00:00Z", root.GetAttribute("IssueInstant"));
        Assert.Equal("https://idp-a.example.com/saml/sso", root.GetAttribute("Destination"));
        Assert.Equal(Vectors.Acs, root.GetAttribute("AssertionConsumerServiceURL"));
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", root.GetAttribute("ProtocolBinding"));
        Assert.Equal(Vectors.SpEntityId, root["Issuer", "urn:oasis:names:tc:SAML:2.0:assertion"]!.InnerText);
        Assert.Equal(Parameters.NameIdFormat, root["NameIDPolicy", "urn:oasis:names:tc:SAML:2.0:protocol"]!.GetAttribute("Format"));
    }

    [Fact]
    public void Build_SsoUrlWithQuery_AppendsWithAmpersand()
    {
        var message = AuthnRequestBuilder.Build(Parameters with { IdpSsoUrl = "https://idp-a.example.com/saml/sso?tenant=acme", RelayState = null });

        Assert.StartsWith("https://idp-a.example.com/saml/sso?tenant=acme&SAMLRequest=", message.RedirectUrl);
        Assert.DoesNotContain("RelayState", message.RedirectUrl);
    }

    [Fact]
    public void Build_WithSigningKey_SignsTheOctetStringOfBindings3441()
    {
        using var key = RSA.Create(2048);

        var message = AuthnRequestBuilder.Build(Parameters with { SigningKey = key });

        string query = message.RedirectUrl[(message.RedirectUrl.IndexOf('?') + 1)..];
        int signatureAt = query.IndexOf("&Signature=", StringComparison.Ordinal);
        string signedPart = query[..signatureAt];
        Assert.Matches("^SAMLRequest=[^&]+&RelayState=r-7f3a&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256$", signedPart);
        byte[] signature = Convert.FromBase64String(Uri.UnescapeDataString(query[(signatureAt + "&Signature=".Length)..]));
        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes(signedPart), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(key.VerifyData(Encoding.UTF8.GetBytes(signedPart + "x"), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Build_RelayStateOver80Bytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => AuthnRequestBuilder.Build(Parameters with { RelayState = new string('r', 81) }));
        AuthnRequestBuilder.Build(Parameters with { RelayState = new string('r', 80) });
    }

    private static Dictionary<string, string> Query(string url) =>
        url[(url.IndexOf('?') + 1)..].Split('&').Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));

    private static string Inflate(string base64)
    {
        using var deflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(base64)), CompressionMode.Decompress);
        using var reader = new StreamReader(deflate, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static XmlElement LoadElement(string xml) => SafeXml.Load(Encoding.UTF8.GetBytes(xml), 1 << 16, out _)!.DocumentElement!;
}
