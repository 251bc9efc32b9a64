using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;

namespace Gatehouse.Saml;

public sealed record LogoutRequestParameters
{
    public required string SpEntityId { get; init; }
    /// <summary>The IdP's HTTP-Redirect SingleLogoutService: the Destination.</summary>
    public required string IdpSloUrl { get; init; }
    public required string NameId { get; init; }
    public string? NameIdFormat { get; init; }
    public string? SessionIndex { get; init; }
    public required DateTimeOffset Now { get; init; }
    /// <summary>Opaque handle (≤ 80 bytes) that finds the request again when the LogoutResponse comes back.</summary>
    public string? RelayState { get; init; }
    public RSA? SigningKey { get; init; }
}

public sealed record LogoutRequestMessage(string Id, string Xml, string RedirectUrl);

/// <summary>What came back from the IdP: its status, or why the message was refused.</summary>
public sealed record LogoutResponseResult(bool Succeeded, string? StatusCode, SamlError? Error);

/// <summary>
/// SP-initiated Single Logout over HTTP-Redirect (SAML Core §3.7, Bindings §3.4): the LogoutRequest we send and
/// the LogoutResponse we accept. The response is checked like any SAML message: parsed safely, Issuer and
/// InResponseTo against what we sent, Destination against our endpoint, and the query signature (when present,
/// or when required) only against the IdP's configured keys.
/// </summary>
public static class SingleLogout
{
    private const string SigAlgRsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    private const int MaxCharacters = 64 * 1024;

    public static LogoutRequestMessage BuildRequest(LogoutRequestParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        string id = AuthnRequestBuilder.NewId();
        var builder = new StringBuilder(512);
        using (var w = XmlWriter.Create(builder, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            w.WriteStartElement("samlp", "LogoutRequest", SamlNames.Protocol);
            w.WriteAttributeString("xmlns", "saml", null, SamlNames.Assertion);
            w.WriteAttributeString("ID", id);
            w.WriteAttributeString("Version", "2.0");
            w.WriteAttributeString("IssueInstant", SamlDateTime.Format(p.Now));
            w.WriteAttributeString("Destination", p.IdpSloUrl);
            w.WriteElementString("saml", "Issuer", SamlNames.Assertion, p.SpEntityId);
            w.WriteStartElement("saml", "NameID", SamlNames.Assertion);
            if (p.NameIdFormat is not null) w.WriteAttributeString("Format", p.NameIdFormat);
            w.WriteString(p.NameId);
            w.WriteEndElement();
            if (p.SessionIndex is not null) w.WriteElementString("samlp", "SessionIndex", SamlNames.Protocol, p.SessionIndex);
            w.WriteEndElement();
        }
        string xml = builder.ToString();
        var query = new StringBuilder("SAMLRequest=").Append(Uri.EscapeDataString(Convert.ToBase64String(Deflate(xml))));
        if (p.RelayState is not null) query.Append("&RelayState=").Append(Uri.EscapeDataString(p.RelayState));
        if (p.SigningKey is not null)
        {
            query.Append("&SigAlg=").Append(Uri.EscapeDataString(SigAlgRsaSha256));
            byte[] signature = p.SigningKey.SignData(Encoding.UTF8.GetBytes(query.ToString()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            query.Append("&Signature=").Append(Uri.EscapeDataString(Convert.ToBase64String(signature)));
        }
        return new LogoutRequestMessage(id, xml, p.IdpSloUrl + (p.IdpSloUrl.Contains('?') ? "&" : "?") + query);
    }

    /// <summary>Reads a LogoutResponse from the raw query string (the signature covers the octets as sent).</summary>
    public static LogoutResponseResult ReadResponse(string rawQuery, string expectedIssuer, string expectedInResponseTo, string sloUrl,
        IReadOnlyList<X509Certificate2> trusted, bool requireSignature)
    {
        var parts = Split(rawQuery);
        if (!parts.TryGetValue("SAMLResponse", out var encoded) || encoded.Length == 0 || encoded.Length > 64 * 1024)
            return Fail(SamlErrorCode.InvalidEncoding, "The logout response carries no SAMLResponse.");

        // Signature first (Bindings §3.4.4.1): over "SAMLResponse=…[&RelayState=…]&SigAlg=…" as received.
        if (parts.ContainsKey("Signature"))
        {
            if (!parts.TryGetValue("SigAlg", out var sigAlgRaw) || Uri.UnescapeDataString(sigAlgRaw) != SigAlgRsaSha256)
                return Fail(SamlErrorCode.SignatureAlgorithmNotAllowed, "The logout response is not signed with RSA-SHA256.", SigAlgRsaSha256,
                    parts.TryGetValue("SigAlg", out var got) ? Uri.UnescapeDataString(got) : null);
            var signed = "SAMLResponse=" + encoded + (parts.TryGetValue("RelayState", out var relay) ? "&RelayState=" + relay : "") + "&SigAlg=" + sigAlgRaw;
            byte[] signature;
            try { signature = Convert.FromBase64String(Uri.UnescapeDataString(parts["Signature"])); }
            catch (FormatException) { return Fail(SamlErrorCode.SignatureMalformed, "The logout response's signature is not base64."); }
            var data = Encoding.UTF8.GetBytes(signed);
            if (!trusted.Any(c => c.GetRSAPublicKey() is { } key && key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)))
                return Fail(SamlErrorCode.SignatureInvalid, "The logout response's signature does not match the IdP's configured keys.");
        }
        else if (requireSignature)
        {
            return Fail(SamlErrorCode.SignatureMissing, "The logout response is not signed.");
        }

        byte[]? deflated = SafeXml.DecodeBase64(Uri.UnescapeDataString(encoded.Replace('+', ' ')).Replace(' ', '+'), out var error);
        if (deflated is null) return new(false, null, error);
        byte[] xml;
        try
        {
            using var input = new DeflateStream(new MemoryStream(deflated), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[8192];
            int n;
            while ((n = input.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, n);
                if (output.Length > MaxCharacters * 4) return Fail(SamlErrorCode.MessageTooLarge, "The logout response is too large.");
            }
            xml = output.ToArray();
        }
        catch (InvalidDataException)
        {
            return Fail(SamlErrorCode.InvalidEncoding, "The logout response is not DEFLATE-compressed.");
        }
        var document = SafeXml.Load(xml, MaxCharacters, out error);
        if (document?.DocumentElement is not { } root) return new(false, null, error);
        if (!root.Is(SamlNames.Protocol, "LogoutResponse"))
            return Fail(SamlErrorCode.NotAResponse, "The message is not a LogoutResponse.", "samlp:LogoutResponse", root.Name);
        var issuer = SafeXml.Child(root, SamlNames.Assertion, "Issuer")?.InnerText.Trim();
        if (issuer != expectedIssuer)
            return Fail(SamlErrorCode.IssuerMismatch, "The logout response comes from another issuer.", expectedIssuer, issuer);
        var inResponseTo = root.Attr("InResponseTo");
        if (inResponseTo != expectedInResponseTo)
            return Fail(SamlErrorCode.InResponseToMismatch, "The logout response answers another request.", expectedInResponseTo, inResponseTo);
        var destination = root.Attr("Destination");
        if (destination is not null && destination != sloUrl)
            return Fail(SamlErrorCode.DestinationMismatch, "The logout response was sent to another address.", sloUrl, destination);
        var status = SafeXml.Child(root, SamlNames.Protocol, "Status") is { } st ? SafeXml.Child(st, SamlNames.Protocol, "StatusCode")?.Attr("Value") : null;
        return new(true, status, null);
    }

    private static LogoutResponseResult Fail(SamlErrorCode code, string message, string? want = null, string? got = null) =>
        new(false, null, new SamlError(code, message, want, got));

    /// <summary>Query parameters kept URL-encoded (the signature is over the encoded form); a repeated name is refused by keeping none.</summary>
    private static Dictionary<string, string> Split(string rawQuery)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var repeated = new HashSet<string>();
        foreach (var pair in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string name = eq < 0 ? pair : pair[..eq], value = eq < 0 ? "" : pair[(eq + 1)..];
            if (!result.TryAdd(name, value)) repeated.Add(name);
        }
        foreach (var name in repeated) result.Remove(name);
        return result;
    }

    private static byte[] Deflate(string xml)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            deflate.Write(Encoding.UTF8.GetBytes(xml));
        return buffer.ToArray();
    }
}
