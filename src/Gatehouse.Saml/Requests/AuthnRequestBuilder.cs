using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace Gatehouse.Saml;

public sealed record AuthnRequestParameters
{
    public required string SpEntityId { get; init; }

    /// <summary>The tenant's fixed ACS URL (catalogue §1.19), echoed back as Destination/Recipient.</summary>
    public required string AcsUrl { get; init; }

    /// <summary>The IdP's HTTP-Redirect SingleSignOnService location from metadata: the Destination.</summary>
    public required string IdpSsoUrl { get; init; }

    public required DateTimeOffset Now { get; init; }
    public string? NameIdFormat { get; init; }

    /// <summary>Opaque state, at most 80 bytes (Bindings §3.4.3); never a URL the browser is sent to.</summary>
    public string? RelayState { get; init; }

    public bool ForceAuthn { get; init; }

    /// <summary>When set, the query string is signed with RSA-SHA256 (Bindings §3.4.4.1).</summary>
    public RSA? SigningKey { get; init; }
}

/// <param name="Id">Store it in the browser-bound request state: it is the expected InResponseTo.</param>
public sealed record AuthnRequestMessage(string Id, DateTimeOffset IssueInstant, string Xml, string RedirectUrl);

/// <summary>Builds an SP-initiated AuthnRequest (SAML Core §3.4.1) for the HTTP-Redirect binding.</summary>
public static class AuthnRequestBuilder
{
    private const string SigAlgRsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

    public static AuthnRequestMessage Build(AuthnRequestParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.RelayState is not null && Encoding.UTF8.GetByteCount(p.RelayState) > 80)
        {
            throw new ArgumentException("RelayState must not exceed 80 bytes (SAML Bindings §3.4.3).", nameof(p));
        }
        string id = NewId();
        string xml = WriteXml(p, id);

        // Bindings §3.4.4.1: raw DEFLATE (no zlib header), base64, URL-encode; the signature covers the
        // URL-encoded octets "SAMLRequest=…&RelayState=…&SigAlg=…" exactly as sent.
        var query = new StringBuilder("SAMLRequest=").Append(Uri.EscapeDataString(Convert.ToBase64String(Deflate(xml))));
        if (p.RelayState is not null) query.Append("&RelayState=").Append(Uri.EscapeDataString(p.RelayState));
        if (p.SigningKey is not null)
        {
            query.Append("&SigAlg=").Append(Uri.EscapeDataString(SigAlgRsaSha256));
            byte[] signature = p.SigningKey.SignData(Encoding.UTF8.GetBytes(query.ToString()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            query.Append("&Signature=").Append(Uri.EscapeDataString(Convert.ToBase64String(signature)));
        }
        string separator = p.IdpSsoUrl.Contains('?') ? "&" : "?";
        return new AuthnRequestMessage(id, p.Now, xml, p.IdpSsoUrl + separator + query);
    }

    /// <summary>"_" + 128 random bits as hex: an NCName with ≥128 bits of CSPRNG entropy (Core §1.3.4).</summary>
    public static string NewId() => "_" + RandomNumberGenerator.GetHexString(32, lowercase: true);

    private static string WriteXml(AuthnRequestParameters p, string id)
    {
        var builder = new StringBuilder(512);
        using (var writer = XmlWriter.Create(builder, new XmlWriterSettings { OmitXmlDeclaration = true, Encoding = Encoding.UTF8 }))
        {
            writer.WriteStartElement("samlp", "AuthnRequest", SamlNames.Protocol);
            writer.WriteAttributeString("xmlns", "saml", null, SamlNames.Assertion);
            writer.WriteAttributeString("ID", id);
            writer.WriteAttributeString("Version", "2.0");
            writer.WriteAttributeString("IssueInstant", SamlDateTime.Format(p.Now));
            writer.WriteAttributeString("Destination", p.IdpSsoUrl);
            writer.WriteAttributeString("AssertionConsumerServiceURL", p.AcsUrl);
            writer.WriteAttributeString("ProtocolBinding", SamlNames.HttpPostBinding);
            if (p.ForceAuthn) writer.WriteAttributeString("ForceAuthn", "true");
            writer.WriteElementString("saml", "Issuer", SamlNames.Assertion, p.SpEntityId);
            if (p.NameIdFormat is not null)
            {
                writer.WriteStartElement("samlp", "NameIDPolicy", SamlNames.Protocol);
                writer.WriteAttributeString("Format", p.NameIdFormat);
                writer.WriteAttributeString("AllowCreate", "true");
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
        }
        return builder.ToString();
    }

    private static byte[] Deflate(string xml)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(xml));
        }
        return buffer.ToArray();
    }
}
