using System.Security.Cryptography;
using System.Xml;

namespace Gatehouse.Saml;

/// <summary>A <c>ds:Signature</c> that passed pre-validation: the allow-list checks of SAML Core §5.4 done
/// before any cryptography (catalogue §1.0 step 5), so no XSLT/XPath transform, HMAC method or foreign
/// reference ever reaches a hash or key operation.</summary>
internal sealed class SignatureInfo
{
    public required XmlElement Signature { get; init; }
    public required XmlElement SignedElement { get; init; }
    public required XmlElement SignedInfo { get; init; }
    public required bool SignedInfoWithComments { get; init; }
    public required IReadOnlyList<string> SignedInfoPrefixes { get; init; }
    public required HashAlgorithmName SignatureHash { get; init; }
    public required HashAlgorithmName DigestHash { get; init; }
    public required IReadOnlyList<string> ReferencePrefixes { get; init; }
    public required byte[] DigestValue { get; init; }
    public required byte[] SignatureValue { get; init; }

    /// <summary>Pre-validates the Signature that is a direct child of <paramref name="signedElement"/>.
    /// The only accepted reference is "#" + the ID of that very element (XSW1–8, SAML Core §5.4.2).</summary>
    public static SignatureInfo? Parse(XmlElement signature, XmlElement signedElement, bool allowSha1, out SamlError? error)
    {
        error = null;
        // Signature: SignedInfo, SignatureValue, optional KeyInfo - nothing else. ds:Object is legal XML-DSig
        // but has no use in SAML and is where XSW6/XSW8 hide the clean copy; a second SignedInfo is
        // CVE-2025-29774.
        var parts = SafeXml.ElementChildren(signature, strict: true);
        if (parts is null || parts.Count is < 2 or > 3 ||
            !parts[0].Is(SamlNames.DSig, "SignedInfo") || !parts[1].Is(SamlNames.DSig, "SignatureValue") ||
            (parts.Count == 3 && !parts[2].Is(SamlNames.DSig, "KeyInfo")))
        {
            error = Malformed("ds:Signature must contain exactly SignedInfo, SignatureValue and an optional KeyInfo.",
                "SignedInfo, SignatureValue, KeyInfo?", Describe(parts));
            return null;
        }
        var signedInfo = parts[0];
        var signedInfoParts = SafeXml.ElementChildren(signedInfo, strict: true);
        if (signedInfoParts is null || signedInfoParts.Count < 2 ||
            !signedInfoParts[0].Is(SamlNames.DSig, "CanonicalizationMethod") ||
            !signedInfoParts[1].Is(SamlNames.DSig, "SignatureMethod") ||
            signedInfoParts.Skip(2).Any(e => !e.Is(SamlNames.DSig, "Reference")))
        {
            error = Malformed("ds:SignedInfo must contain CanonicalizationMethod, SignatureMethod and References.",
                "CanonicalizationMethod, SignatureMethod, Reference", Describe(signedInfoParts));
            return null;
        }

        // SignedInfo canonicalization: exclusive only (inclusive c14n drags in the Response's namespaces).
        var c14n = signedInfoParts[0];
        string c14nAlgorithm = c14n.GetAttribute("Algorithm");
        if (c14nAlgorithm is not (SamlNames.ExcC14n or SamlNames.ExcC14nWithComments) ||
            !TryInclusivePrefixes(c14n, out var signedInfoPrefixes))
        {
            error = new SamlError(SamlErrorCode.CanonicalizationNotAllowed,
                "The signature's CanonicalizationMethod is not exclusive XML canonicalization.",
                SamlNames.ExcC14n, c14nAlgorithm);
            return null;
        }

        // SignatureMethod: RSA with SHA-2 (SHA-1 only when the tenant allows it); never HMAC (key confusion
        // with the public certificate), no HMACOutputLength (CVE-2009-0217).
        var method = signedInfoParts[1];
        string methodAlgorithm = method.GetAttribute("Algorithm");
        HashAlgorithmName? signatureHash = methodAlgorithm switch
        {
            SamlNames.RsaSha256 => HashAlgorithmName.SHA256,
            SamlNames.RsaSha384 => HashAlgorithmName.SHA384,
            SamlNames.RsaSha512 => HashAlgorithmName.SHA512,
            SamlNames.RsaSha1 when allowSha1 => HashAlgorithmName.SHA1,
            _ => null,
        };
        if (signatureHash is null || method.HasChildNodes)
        {
            error = new SamlError(SamlErrorCode.SignatureAlgorithmNotAllowed,
                "The signature algorithm is not allowed.", "RSA-SHA256/384/512" + (allowSha1 ? " or RSA-SHA1" : ""), methodAlgorithm);
            return null;
        }

        // Exactly one Reference, to the signature's parent (SAML Core §5.4.2).
        if (signedInfoParts.Count != 3)
        {
            error = new SamlError(SamlErrorCode.SignatureReferenceInvalid,
                "A SAML signature must contain exactly one Reference.", "1", (signedInfoParts.Count - 2).ToString());
            return null;
        }
        var reference = signedInfoParts[2];
        string? id = signedElement.Attr("ID");
        string? uri = reference.Attr("URI");
        if (id is null || uri != "#" + id)
        {
            error = new SamlError(SamlErrorCode.SignatureReferenceInvalid,
                $"The signature must reference the {signedElement.LocalName} that contains it.", "#" + id, uri ?? "(no URI)");
            return null;
        }
        var referenceParts = SafeXml.ElementChildren(reference, strict: true);
        if (referenceParts is null || referenceParts.Count != 3 ||
            !referenceParts[0].Is(SamlNames.DSig, "Transforms") ||
            !referenceParts[1].Is(SamlNames.DSig, "DigestMethod") ||
            !referenceParts[2].Is(SamlNames.DSig, "DigestValue"))
        {
            error = Malformed("ds:Reference must contain Transforms, DigestMethod and DigestValue.",
                "Transforms, DigestMethod, DigestValue", Describe(referenceParts));
            return null;
        }

        // Transforms: enveloped-signature then exc-c14n, nothing else (no XPath, XSLT, base64, decrypt).
        var transforms = SafeXml.ElementChildren(referenceParts[0], strict: true);
        IReadOnlyList<string> referencePrefixes = [];
        string got = transforms is null ? "(malformed)" : string.Join(", ", transforms.Select(t => t.GetAttribute("Algorithm")));
        if (transforms is null || transforms.Count != 2 ||
            transforms.Any(t => !t.Is(SamlNames.DSig, "Transform")) ||
            transforms[0].GetAttribute("Algorithm") != SamlNames.EnvelopedSignature || transforms[0].HasChildNodes ||
            transforms[1].GetAttribute("Algorithm") is not (SamlNames.ExcC14n or SamlNames.ExcC14nWithComments) ||
            !TryInclusivePrefixes(transforms[1], out referencePrefixes))
        {
            error = new SamlError(SamlErrorCode.TransformNotAllowed,
                "Only the enveloped-signature and exclusive canonicalization transforms are allowed.",
                $"{SamlNames.EnvelopedSignature}, {SamlNames.ExcC14n}", got);
            return null;
        }

        var digestMethod = referenceParts[1];
        string digestAlgorithm = digestMethod.GetAttribute("Algorithm");
        HashAlgorithmName? digestHash = digestAlgorithm switch
        {
            SamlNames.Sha256 => HashAlgorithmName.SHA256,
            SamlNames.Sha384 => HashAlgorithmName.SHA384,
            SamlNames.Sha512 => HashAlgorithmName.SHA512,
            SamlNames.Sha1 when allowSha1 => HashAlgorithmName.SHA1,
            _ => null,
        };
        if (digestHash is null || digestMethod.HasChildNodes)
        {
            error = new SamlError(SamlErrorCode.DigestAlgorithmNotAllowed,
                "The reference digest algorithm is not allowed.", "SHA-256/384/512" + (allowSha1 ? " or SHA-1" : ""), digestAlgorithm);
            return null;
        }

        // Values must be plain text: a comment inside DigestValue is CVE-2025-29775.
        byte[]? digestValue = ReadBase64(referenceParts[2]);
        byte[]? signatureValue = ReadBase64(parts[1]);
        if (digestValue is null || signatureValue is null ||
            digestValue.Length != HashSize(digestHash.Value) || signatureValue.Length == 0)
        {
            error = Malformed("DigestValue and SignatureValue must be plain base64 text of the right length.", null, null);
            return null;
        }

        return new SignatureInfo
        {
            Signature = signature,
            SignedElement = signedElement,
            SignedInfo = signedInfo,
            SignedInfoWithComments = c14nAlgorithm == SamlNames.ExcC14nWithComments,
            SignedInfoPrefixes = signedInfoPrefixes,
            SignatureHash = signatureHash.Value,
            DigestHash = digestHash.Value,
            ReferencePrefixes = referencePrefixes,
            DigestValue = digestValue,
            SignatureValue = signatureValue,
        };
    }

    private static bool TryInclusivePrefixes(XmlElement c14nElement, out IReadOnlyList<string> prefixes)
    {
        prefixes = [];
        var children = SafeXml.ElementChildren(c14nElement, strict: true);
        if (children is null || children.Count > 1) return false;
        if (children.Count == 0) return true;
        var inclusive = children[0];
        if (!inclusive.Is(SamlNames.ExcC14nNs, "InclusiveNamespaces") || inclusive.HasChildNodes) return false;
        prefixes = inclusive.GetAttribute("PrefixList").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return true;
    }

    private static byte[]? ReadBase64(XmlElement element)
    {
        if (!SafeXml.IsTextOnly(element)) return null;
        string text = element.InnerText;
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer.AsSpan(0, written).ToArray() : null;
    }

    private static int HashSize(HashAlgorithmName name) =>
        name == HashAlgorithmName.SHA1 ? 20 : name == HashAlgorithmName.SHA256 ? 32 : name == HashAlgorithmName.SHA384 ? 48 : 64;

    private static SamlError Malformed(string message, string? want, string? got) =>
        new(SamlErrorCode.SignatureMalformed, message, want, got);

    private static string Describe(List<XmlElement>? elements) =>
        elements is null ? "(text, comment or other non-element content)" : string.Join(", ", elements.Select(e => e.Name));
}
