using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;

namespace Gatehouse.Saml.Tests;

public class MetadataTests
{
    [Fact]
    public void IdpMetadata_WithRolloverCertificate_PinsBothSigningCertificates()
    {
        var result = IdpMetadataParser.Parse(Vectors.Metadata("idp-a"));

        Assert.True(result.Succeeded, result.Error?.ToString());
        var metadata = result.Metadata!;
        Assert.Equal(Vectors.IdpEntityId, metadata.EntityId);
        Assert.Equal("https://idp-a.example.com/saml/sso?tenant=acme", metadata.SsoRedirectUrl);
        Assert.Equal("https://idp-a.example.com/saml/sso/post", metadata.SsoPostUrl);
        Assert.Equal("https://idp-a.example.com/saml/slo", metadata.SloUrl);
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", metadata.SloBinding);
        Assert.Equal([Vectors.IdpA.Thumbprint, Vectors.IdpANext.Thumbprint], metadata.SigningCertificates.Select(c => c.Thumbprint));
        Assert.Equal(new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.Zero), metadata.ValidUntil);
        Assert.Equal(TimeSpan.FromHours(6), metadata.CacheDuration);
        Assert.True(metadata.WantAuthnRequestsSigned);
        Assert.Equal(["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"], metadata.NameIdFormats);
    }

    [Fact]
    public void IdpMetadata_ParsedCertificates_ValidateTheVectors()
    {
        var certificates = IdpMetadataParser.Parse(Vectors.Metadata("idp-a")).Metadata!.SigningCertificates;

        Expect.Accepted("valid-rollover-cert", p => p with { TrustedSigningCertificates = certificates });
        Expect.Rejected("attacker-signed", SamlErrorCode.SignatureInvalid, p => p with { TrustedSigningCertificates = certificates });
    }

    [Fact]
    public void IdpMetadata_StringWithUtf16Declaration_IsAccepted()
    {
        var xml = Vectors.Metadata("idp-a").Replace("encoding=\"UTF-8\"", "encoding=\"utf-16\"");

        Assert.True(IdpMetadataParser.Parse(xml).Succeeded);
        Assert.True(IdpMetadataParser.Parse(Encoding.UTF8.GetBytes(Vectors.Metadata("idp-a"))).Succeeded);
    }

    [Fact]
    public void IdpMetadata_AggregateWithoutEntityId_IsRejectedAsAmbiguous()
    {
        var result = IdpMetadataParser.Parse(Vectors.Metadata("federation"));

        Assert.Equal(SamlErrorCode.MetadataNoIdpDescriptor, result.Error?.Code);
    }

    [Fact]
    public void IdpMetadata_AggregateWithEntityId_SelectsThatIdp()
    {
        var result = IdpMetadataParser.Parse(Vectors.Metadata("federation"), Vectors.IdpBEntityId);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(Vectors.IdpBEntityId, result.Metadata!.EntityId);
        Assert.Equal([Vectors.IdpB.Thumbprint], result.Metadata.SigningCertificates.Select(c => c.Thumbprint));
        Assert.Equal(new DateTimeOffset(2030, 2, 1, 0, 0, 0, TimeSpan.Zero), result.Metadata.ValidUntil);
    }

    [Fact]
    public void IdpMetadata_SpEntityOnly_IsRejected()
    {
        var result = IdpMetadataParser.Parse(Vectors.Metadata("federation"), "https://sp.example.org/sp");

        Assert.Equal(SamlErrorCode.MetadataNoIdpDescriptor, result.Error?.Code);
    }

    [Fact]
    public void IdpMetadata_WithDoctype_IsRejected()
    {
        var xml = Vectors.Metadata("idp-a").Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>");

        Assert.Equal(SamlErrorCode.DtdProhibited, IdpMetadataParser.Parse(xml).Error?.Code);
    }

    [Fact]
    public void IdpMetadata_WithoutSsoService_IsRejected()
    {
        var xml = string.Join('\n', Vectors.Metadata("idp-a").Split('\n').Where(l => !l.Contains("SingleSignOnService")));

        Assert.Equal(SamlErrorCode.MetadataNoSsoService, IdpMetadataParser.Parse(xml).Error?.Code);
    }

    [Fact]
    public void IdpMetadata_BrokenCertificate_IsRejected()
    {
        var xml = Vectors.Metadata("idp-a").Replace("<ds:X509Certificate>MII", "<ds:X509Certificate>AAAAMII");

        Assert.Equal(SamlErrorCode.MetadataInvalidCertificate, IdpMetadataParser.Parse(xml).Error?.Code);
    }

    [Fact]
    public void IdpMetadata_OnlyEncryptionCertificate_IsRejected()
    {
        var xml = Vectors.Metadata("idp-a").Replace("<md:KeyDescriptor use=\"signing\">", "<md:KeyDescriptor use=\"encryption\">")
            .Replace("<md:KeyDescriptor>", "<md:KeyDescriptor use=\"encryption\">");

        Assert.Equal(SamlErrorCode.MetadataNoSigningCertificate, IdpMetadataParser.Parse(xml).Error?.Code);
    }

    [Fact]
    public void IdpMetadata_NotMetadata_IsRejected()
    {
        Assert.Equal(SamlErrorCode.MetadataInvalid, IdpMetadataParser.Parse("<html/>").Error?.Code);
        Assert.Equal(SamlErrorCode.MalformedXml, IdpMetadataParser.Parse("<md:EntityDescriptor").Error?.Code);
    }

    [Fact]
    public void SpMetadata_WithRollover_ListsCurrentAndNextKeys()
    {
        var xml = SpMetadataWriter.Write(new SpMetadataParameters
        {
            EntityId = Vectors.SpEntityId,
            AcsUrl = Vectors.Acs,
            NameIdFormats = ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"],
            SigningCertificates = [Vectors.Cert("sp"), Vectors.Cert("sp-next")],
            EncryptionCertificates = [Vectors.Cert("sp"), Vectors.Cert("sp-next")],
            AuthnRequestsSigned = true,
            WantAssertionsSigned = true,
        });

        var root = SafeXml.Load(Encoding.UTF8.GetBytes(xml), 1 << 20, out var error)!.DocumentElement!;
        Assert.Null(error);
        var ns = new XmlNamespaceManager(new NameTable());
        ns.AddNamespace("md", "urn:oasis:names:tc:SAML:2.0:metadata");
        ns.AddNamespace("ds", "http://www.w3.org/2000/09/xmldsig#");
        Assert.Equal("EntityDescriptor", root.LocalName);
        Assert.Equal(Vectors.SpEntityId, root.GetAttribute("entityID"));
        var sp = (XmlElement)root.SelectSingleNode("md:SPSSODescriptor", ns)!;
        Assert.Equal("true", sp.GetAttribute("AuthnRequestsSigned"));
        Assert.Equal("true", sp.GetAttribute("WantAssertionsSigned"));
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:protocol", sp.GetAttribute("protocolSupportEnumeration"));
        var acs = (XmlElement)sp.SelectSingleNode("md:AssertionConsumerService", ns)!;
        Assert.Equal(Vectors.Acs, acs.GetAttribute("Location"));
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", acs.GetAttribute("Binding"));
        Assert.Equal(2, sp.SelectNodes("md:KeyDescriptor[@use='signing']", ns)!.Count);
        Assert.Equal(2, sp.SelectNodes("md:KeyDescriptor[@use='encryption']", ns)!.Count);
        var next = sp.SelectNodes("md:KeyDescriptor[@use='encryption']/ds:KeyInfo/ds:X509Data/ds:X509Certificate", ns)![1]!.InnerText;
        Assert.Equal(Vectors.Cert("sp-next").Thumbprint, X509CertificateLoader.LoadCertificate(Convert.FromBase64String(next)).Thumbprint);
        Assert.Equal("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", sp.SelectSingleNode("md:NameIDFormat", ns)!.InnerText);
    }
}
