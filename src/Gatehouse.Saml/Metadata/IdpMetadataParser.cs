using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Gatehouse.Saml;

public sealed record IdpMetadata
{
    public required string EntityId { get; init; }
    public string? SsoRedirectUrl { get; init; }
    public string? SsoPostUrl { get; init; }
    public string? SloUrl { get; init; }
    public string? SloBinding { get; init; }

    /// <summary>Every certificate under a KeyDescriptor with use="signing" or no use: during a rollover the
    /// IdP publishes both, and all of them are pinned.</summary>
    public required IReadOnlyList<X509Certificate2> SigningCertificates { get; init; }
    public IReadOnlyList<string> NameIdFormats { get; init; } = [];
    public bool WantAuthnRequestsSigned { get; init; }
    public DateTimeOffset? ValidUntil { get; init; }
    public TimeSpan? CacheDuration { get; init; }
}

public sealed class IdpMetadataResult
{
    private IdpMetadataResult(IdpMetadata? metadata, SamlError? error)
    {
        Metadata = metadata;
        Error = error;
    }

    public IdpMetadata? Metadata { get; }
    public SamlError? Error { get; }
    public bool Succeeded => Metadata is not null;

    internal static IdpMetadataResult Ok(IdpMetadata metadata) => new(metadata, null);
    internal static IdpMetadataResult Fail(SamlErrorCode code, string message, string? want = null, string? got = null) =>
        new(null, new SamlError(code, message, want, got));
}

/// <summary>Reads IdP metadata (SAML Metadata §2.3.2, §2.4.3) with the same safe parser as responses.
/// Pure: it reports ValidUntil/CacheDuration and leaves freshness decisions to the caller.</summary>
public static class IdpMetadataParser
{
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <param name="entityId">Selects one entity from an EntitiesDescriptor (federation aggregate); optional
    /// when the document describes exactly one IdP.</param>
    public static IdpMetadataResult Parse(string xml, string? entityId = null, int maxBytes = DefaultMaxBytes)
    {
        if (xml.Length > maxBytes) return TooLarge(maxBytes, xml.Length);
        var document = SafeXml.Load(xml, maxBytes, out var parseError);
        return document is null
            ? IdpMetadataResult.Fail(parseError?.Code ?? SamlErrorCode.MalformedXml, parseError?.Message ?? "The document has no root element.")
            : Read(document, entityId);
    }

    /// <inheritdoc cref="Parse(string, string?, int)"/>
    public static IdpMetadataResult Parse(ReadOnlyMemory<byte> xml, string? entityId = null, int maxBytes = DefaultMaxBytes)
    {
        if (xml.Length > maxBytes) return TooLarge(maxBytes, xml.Length);
        var document = SafeXml.Load(xml, maxBytes, out var parseError);
        return document is null ? IdpMetadataResult.Fail(parseError!.Code, parseError.Message) : Read(document, entityId);
    }

    private static IdpMetadataResult TooLarge(int maxBytes, int actual) =>
        IdpMetadataResult.Fail(SamlErrorCode.MessageTooLarge, "The metadata document exceeds the size limit.", $"<= {maxBytes}", actual.ToString());

    private static IdpMetadataResult Read(XmlDocument document, string? entityId)
    {
        var root = document.DocumentElement!;

        var candidates = new List<XmlElement>();
        if (root.Is(SamlNames.Metadata, "EntityDescriptor"))
        {
            candidates.Add(root);
        }
        else if (root.Is(SamlNames.Metadata, "EntitiesDescriptor"))
        {
            foreach (XmlElement e in root.GetElementsByTagName("EntityDescriptor", SamlNames.Metadata)) candidates.Add(e);
        }
        else
        {
            return IdpMetadataResult.Fail(SamlErrorCode.MetadataInvalid, "The document is not SAML metadata.",
                "md:EntityDescriptor or md:EntitiesDescriptor", root.Name);
        }
        var idps = candidates
            .Where(e => IdpDescriptor(e) is not null && (entityId is null || e.Attr("entityID") == entityId))
            .ToList();
        if (idps.Count != 1)
        {
            return IdpMetadataResult.Fail(SamlErrorCode.MetadataNoIdpDescriptor,
                idps.Count == 0 ? "The metadata describes no SAML 2.0 identity provider" + (entityId is null ? "." : $" with entityID {entityId}.")
                                : "The metadata describes several identity providers; choose one by entityID.",
                entityId ?? "exactly one IDPSSODescriptor", idps.Count.ToString());
        }
        var entity = idps[0];
        var idp = IdpDescriptor(entity)!;
        string? id = entity.Attr("entityID");
        if (string.IsNullOrWhiteSpace(id))
        {
            return IdpMetadataResult.Fail(SamlErrorCode.MetadataInvalid, "The EntityDescriptor has no entityID.");
        }

        string? Location(string element, string binding) =>
            SafeXml.Children(idp, SamlNames.Metadata, element).FirstOrDefault(e => e.Attr("Binding") == binding)?.Attr("Location");
        string? ssoRedirect = Location("SingleSignOnService", SamlNames.HttpRedirectBinding);
        string? ssoPost = Location("SingleSignOnService", SamlNames.HttpPostBinding);
        if (ssoRedirect is null && ssoPost is null)
        {
            return IdpMetadataResult.Fail(SamlErrorCode.MetadataNoSsoService,
                "The IdP publishes no SingleSignOnService for the HTTP-Redirect or HTTP-POST binding.");
        }
        string? sloRedirect = Location("SingleLogoutService", SamlNames.HttpRedirectBinding);
        string? sloPost = Location("SingleLogoutService", SamlNames.HttpPostBinding);

        var certificates = new List<X509Certificate2>();
        foreach (var descriptor in SafeXml.Children(idp, SamlNames.Metadata, "KeyDescriptor"))
        {
            string? use = descriptor.Attr("use");
            if (use is not null and not "signing") continue;
            var keyInfo = SafeXml.Child(descriptor, SamlNames.DSig, "KeyInfo");
            if (keyInfo is null) continue;
            foreach (var data in SafeXml.Children(keyInfo, SamlNames.DSig, "X509Data"))
            {
                foreach (var certificateElement in SafeXml.Children(data, SamlNames.DSig, "X509Certificate"))
                {
                    var certificate = LoadCertificate(certificateElement.InnerText);
                    if (certificate is null)
                    {
                        return IdpMetadataResult.Fail(SamlErrorCode.MetadataInvalidCertificate,
                            "A signing certificate in the metadata is not a valid base64 DER X.509 certificate.");
                    }
                    if (!certificates.Any(c => c.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))) certificates.Add(certificate);
                }
            }
        }
        if (certificates.Count == 0)
        {
            return IdpMetadataResult.Fail(SamlErrorCode.MetadataNoSigningCertificate, "The IdP publishes no signing certificate.");
        }

        DateTimeOffset? validUntil = null;
        string? validUntilText = entity.Attr("validUntil") ?? (ReferenceEquals(entity, root) ? null : root.Attr("validUntil"));
        if (validUntilText is not null)
        {
            if (!SamlDateTime.TryParse(validUntilText, out var parsed))
            {
                return IdpMetadataResult.Fail(SamlErrorCode.InvalidTimestamp, "validUntil is not a UTC xs:dateTime.", "yyyy-MM-ddTHH:mm:ssZ", validUntilText);
            }
            validUntil = parsed;
        }
        TimeSpan? cacheDuration = null;
        string? cacheText = entity.Attr("cacheDuration") ?? (ReferenceEquals(entity, root) ? null : root.Attr("cacheDuration"));
        if (cacheText is not null)
        {
            try
            {
                cacheDuration = XmlConvert.ToTimeSpan(cacheText);
            }
            catch (FormatException)
            {
                return IdpMetadataResult.Fail(SamlErrorCode.MetadataInvalid, "cacheDuration is not an xs:duration.", "e.g. PT6H", cacheText);
            }
            catch (OverflowException)
            {
                return IdpMetadataResult.Fail(SamlErrorCode.MetadataInvalid, "cacheDuration is out of range.", "e.g. PT6H", cacheText);
            }
        }

        return IdpMetadataResult.Ok(new IdpMetadata
        {
            EntityId = id,
            SsoRedirectUrl = ssoRedirect,
            SsoPostUrl = ssoPost,
            SloUrl = sloRedirect ?? sloPost,
            SloBinding = sloRedirect is not null ? SamlNames.HttpRedirectBinding : sloPost is not null ? SamlNames.HttpPostBinding : null,
            SigningCertificates = certificates,
            NameIdFormats = SafeXml.Children(idp, SamlNames.Metadata, "NameIDFormat").Select(e => e.InnerText.Trim()).ToList(),
            WantAuthnRequestsSigned = idp.Attr("WantAuthnRequestsSigned") is "true" or "1",
            ValidUntil = validUntil,
            CacheDuration = cacheDuration,
        });
    }

    private static XmlElement? IdpDescriptor(XmlElement entity) =>
        SafeXml.Children(entity, SamlNames.Metadata, "IDPSSODescriptor")
            .FirstOrDefault(d => (d.Attr("protocolSupportEnumeration") ?? "")
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Contains(SamlNames.Protocol));

    private static X509Certificate2? LoadCertificate(string base64)
    {
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out int written)) return null;
        try
        {
            return X509CertificateLoader.LoadCertificate(buffer.AsSpan(0, written));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
