using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;

namespace Gatehouse.Saml;

/// <summary>
/// The X.509 certificates a response carries in <c>ds:KeyInfo</c>, read with a forward-only, DTD-prohibiting
/// reader. They are never trusted as such (catalogue §1.3): for a provider configured by fingerprint they are
/// candidates whose SHA-256 must equal the pinned one, and the engine then verifies the signature with that key
/// on its own single parse; for diagnostics they show which certificate the IdP actually used.
/// </summary>
public static class KeyInfoCertificates
{
    private const string DSig = "http://www.w3.org/2000/09/xmldsig#";
    private const int MaxCertificates = 8;

    public static IReadOnlyList<X509Certificate2> Read(string? samlResponse, int maxEncodedSize = 256 * 1024)
    {
        var found = new List<X509Certificate2>();
        if (string.IsNullOrEmpty(samlResponse) || samlResponse.Length > maxEncodedSize) return found;
        var bytes = new byte[samlResponse.Length];
        if (!Convert.TryFromBase64String(samlResponse, bytes, out var written)) return found;
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = maxEncodedSize,
            IgnoreComments = true, IgnoreProcessingInstructions = true, CloseInput = true,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes, 0, written), settings);
            while (found.Count < MaxCertificates && reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "X509Certificate" || reader.NamespaceURI != DSig) continue;
                var text = reader.ReadElementContentAsString();
                var der = new byte[text.Length];
                if (!Convert.TryFromBase64String(text.Trim(), der, out var n)) continue;
                try { found.Add(X509CertificateLoader.LoadCertificate(der.AsSpan(0, n))); }
                catch (CryptographicException) { /* not a certificate: nothing to pin or report */ }
            }
        }
        catch (XmlException)
        {
            // Malformed input: the engine reports it properly; here there is simply no candidate.
        }
        return found;
    }

    public static IReadOnlyList<string> Fingerprints(string? samlResponse) =>
        Read(samlResponse).Select(SamlFingerprints.Of).Distinct().ToList();
}
