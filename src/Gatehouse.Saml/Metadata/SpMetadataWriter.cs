using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;

namespace Gatehouse.Saml;

public sealed record SpMetadataParameters
{
    public required string EntityId { get; init; }
    public required string AcsUrl { get; init; }
    /// <summary>Where LogoutResponses come back (HTTP-Redirect); null publishes no SingleLogoutService.</summary>
    public string? SloUrl { get; init; }
    public IReadOnlyList<string> NameIdFormats { get; init; } = [];

    /// <summary>Current signing certificate first, then the next one during a rollover.</summary>
    public IReadOnlyList<X509Certificate2> SigningCertificates { get; init; } = [];

    /// <summary>Current encryption certificate first, then the next one; the SP decrypts with either key.</summary>
    public IReadOnlyList<X509Certificate2> EncryptionCertificates { get; init; } = [];

    public bool AuthnRequestsSigned { get; init; }
    public bool WantAssertionsSigned { get; init; } = true;
}

/// <summary>Writes the SP's EntityDescriptor (SAML Metadata §2.4.4) for the tenant to hand to its IdP.</summary>
public static class SpMetadataWriter
{
    public static string Write(SpMetadataParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var builder = new StringBuilder(4096);
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 };
        using (var w = XmlWriter.Create(builder, settings))
        {
            w.WriteStartElement("md", "EntityDescriptor", SamlNames.Metadata);
            w.WriteAttributeString("xmlns", "ds", null, SamlNames.DSig);
            w.WriteAttributeString("entityID", p.EntityId);
            w.WriteStartElement("md", "SPSSODescriptor", SamlNames.Metadata);
            w.WriteAttributeString("AuthnRequestsSigned", p.AuthnRequestsSigned ? "true" : "false");
            w.WriteAttributeString("WantAssertionsSigned", p.WantAssertionsSigned ? "true" : "false");
            w.WriteAttributeString("protocolSupportEnumeration", SamlNames.Protocol);
            foreach (var certificate in p.SigningCertificates) WriteKey(w, "signing", certificate);
            foreach (var certificate in p.EncryptionCertificates) WriteKey(w, "encryption", certificate);
            if (p.SloUrl is not null)
            {
                // Metadata §2.4.2: SingleLogoutService precedes NameIDFormat.
                w.WriteStartElement("md", "SingleLogoutService", SamlNames.Metadata);
                w.WriteAttributeString("Binding", SamlNames.HttpRedirectBinding);
                w.WriteAttributeString("Location", p.SloUrl);
                w.WriteEndElement();
            }
            foreach (var format in p.NameIdFormats) w.WriteElementString("md", "NameIDFormat", SamlNames.Metadata, format);
            w.WriteStartElement("md", "AssertionConsumerService", SamlNames.Metadata);
            w.WriteAttributeString("Binding", SamlNames.HttpPostBinding);
            w.WriteAttributeString("Location", p.AcsUrl);
            w.WriteAttributeString("index", "0");
            w.WriteAttributeString("isDefault", "true");
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }
        // StringBuilder output is UTF-16; state UTF-8, which is how the host serves it.
        return builder.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private static void WriteKey(XmlWriter w, string use, X509Certificate2 certificate)
    {
        w.WriteStartElement("md", "KeyDescriptor", SamlNames.Metadata);
        w.WriteAttributeString("use", use);
        w.WriteStartElement("ds", "KeyInfo", SamlNames.DSig);
        w.WriteStartElement("ds", "X509Data", SamlNames.DSig);
        w.WriteElementString("ds", "X509Certificate", SamlNames.DSig, Convert.ToBase64String(certificate.RawData));
        w.WriteEndElement();
        w.WriteEndElement();
        if (use == "encryption")
        {
            // Advertise what we accept so IdPs that honour it pick GCM and OAEP (XML Encryption 1.1).
            foreach (var algorithm in new[] { SamlNames.Aes256Gcm, SamlNames.Aes128Gcm, SamlNames.RsaOaepMgf1p })
            {
                w.WriteStartElement("md", "EncryptionMethod", SamlNames.Metadata);
                w.WriteAttributeString("Algorithm", algorithm);
                w.WriteEndElement();
            }
        }
        w.WriteEndElement();
    }
}
