using System.Security.Cryptography;
using System.Xml;

namespace Gatehouse.Saml;

/// <summary>Decrypts a <c>saml:EncryptedAssertion</c> (SAML Core §2.3.4, XML Encryption 1.1) with the SP's
/// private keys. Hand-rolled on purpose instead of <c>EncryptedXml</c>: only the shapes IdPs emit are parsed,
/// no RetrievalMethod/CipherReference resolution, no decrypt transform, so none of the 2026 EncryptedXml
/// advisories (catalogue §1.18.11) are reachable. Key transport: RSA-OAEP only (RSA 1.5 is the Bleichenbacher
/// class). Data: AES-GCM, and AES-CBC unless the caller turns it off (padding-oracle class): every failure
/// after key unwrap maps to one code and message so the result is not a padding oracle.</summary>
internal static class AssertionDecryptor
{
    public static XmlElement? Decrypt(XmlElement encryptedAssertion, IReadOnlyList<RSA> keys, bool allowCbc,
        long maxCharacters, out SamlError? error)
    {
        error = null;
        var children = SafeXml.ElementChildren(encryptedAssertion, strict: true);
        var encryptedData = children?.FirstOrDefault(e => e.Is(SamlNames.XEnc, "EncryptedData"));
        if (children is null || encryptedData is null ||
            children.Any(e => !ReferenceEquals(e, encryptedData) && !e.Is(SamlNames.XEnc, "EncryptedKey")))
        {
            error = new SamlError(SamlErrorCode.InvalidStructure,
                "EncryptedAssertion must contain one xenc:EncryptedData and optional xenc:EncryptedKey elements.");
            return null;
        }

        // Data algorithm.
        var method = SafeXml.Child(encryptedData, SamlNames.XEnc, "EncryptionMethod");
        string dataAlgorithm = method?.GetAttribute("Algorithm") ?? "";
        (int keySize, bool gcm)? data = dataAlgorithm switch
        {
            SamlNames.Aes128Gcm => (16, true),
            SamlNames.Aes256Gcm => (32, true),
            SamlNames.Aes128Cbc when allowCbc => (16, false),
            SamlNames.Aes256Cbc when allowCbc => (32, false),
            _ => null,
        };
        if (data is null)
        {
            error = new SamlError(SamlErrorCode.EncryptionAlgorithmNotAllowed,
                "The assertion's data encryption algorithm is not allowed.",
                allowCbc ? "AES-128/256-GCM or AES-128/256-CBC" : "AES-128/256-GCM", dataAlgorithm);
            return null;
        }
        byte[]? cipherText = CipherValue(encryptedData);
        if (cipherText is null)
        {
            error = new SamlError(SamlErrorCode.InvalidStructure, "EncryptedData has no inline CipherValue.");
            return null;
        }

        // Wrapped content keys: in EncryptedData/ds:KeyInfo or as siblings of EncryptedData.
        var encryptedKeys = new List<XmlElement>();
        var keyInfo = SafeXml.Child(encryptedData, SamlNames.DSig, "KeyInfo");
        if (keyInfo is not null) encryptedKeys.AddRange(SafeXml.Children(keyInfo, SamlNames.XEnc, "EncryptedKey"));
        encryptedKeys.AddRange(children.Where(e => e.Is(SamlNames.XEnc, "EncryptedKey")));
        if (encryptedKeys.Count == 0)
        {
            error = new SamlError(SamlErrorCode.InvalidStructure, "EncryptedAssertion carries no EncryptedKey.");
            return null;
        }

        byte[]? contentKey = null;
        foreach (var encryptedKey in encryptedKeys)
        {
            var padding = KeyTransport(encryptedKey, out error);
            if (padding is null) return null;
            byte[]? wrapped = CipherValue(encryptedKey);
            if (wrapped is null) continue;
            foreach (var key in keys)
            {
                contentKey = Unwrap(key, wrapped, padding);
                if (contentKey is not null) break;
            }
            if (contentKey is not null) break;
        }
        if (contentKey is null || contentKey.Length != data.Value.keySize)
        {
            error = new SamlError(SamlErrorCode.NoDecryptionKey,
                "None of the SP's decryption keys could unwrap the assertion's content key " +
                "(the IdP may be encrypting to an old or different SP certificate).");
            return null;
        }

        byte[]? plain = data.Value.gcm ? DecryptGcm(contentKey, cipherText) : DecryptCbc(contentKey, cipherText);
        CryptographicOperations.ZeroMemory(contentKey);
        XmlDocument? document = plain is null ? null
            : SafeXml.Load(plain, maxCharacters, ParserContext(encryptedAssertion), out _);
        if (document is null)
        {
            error = new SamlError(SamlErrorCode.DecryptionFailed, "The encrypted assertion could not be decrypted.");
            return null;
        }
        return document.DocumentElement;
    }

    private static RSAEncryptionPadding? KeyTransport(XmlElement encryptedKey, out SamlError? error)
    {
        error = null;
        var method = SafeXml.Child(encryptedKey, SamlNames.XEnc, "EncryptionMethod");
        string algorithm = method?.GetAttribute("Algorithm") ?? "";
        string digest = method is null ? "" : SafeXml.Child(method, SamlNames.DSig, "DigestMethod")?.GetAttribute("Algorithm") ?? SamlNames.Sha1;
        string mgf = method is null ? "" : SafeXml.Child(method, SamlNames.XEnc11, "MGF")?.GetAttribute("Algorithm") ?? SamlNames.Mgf1Sha1;
        bool hasLabel = method is not null && SafeXml.Child(method, SamlNames.XEnc, "OAEPparams") is not null;
        // .NET's OAEP uses the same hash for the label digest and MGF1, so only matching pairs are possible.
        RSAEncryptionPadding? padding = (algorithm, digest, mgf) switch
        {
            _ when hasLabel => null,
            (SamlNames.RsaOaepMgf1p, SamlNames.Sha1, _) => RSAEncryptionPadding.OaepSHA1,
            (SamlNames.RsaOaep, SamlNames.Sha1, SamlNames.Mgf1Sha1) => RSAEncryptionPadding.OaepSHA1,
            (SamlNames.RsaOaep, SamlNames.Sha256, SamlNames.Mgf1Sha256) => RSAEncryptionPadding.OaepSHA256,
            _ => null,
        };
        if (padding is null)
        {
            error = new SamlError(SamlErrorCode.EncryptionAlgorithmNotAllowed,
                "The content-key transport algorithm is not allowed (RSA 1.5 is refused; OAEP needs matching digest and MGF1 hashes).",
                "rsa-oaep-mgf1p or rsa-oaep (SHA-1/SHA-1, SHA-256/SHA-256)", $"{algorithm} {digest} {mgf}".Trim());
        }
        return padding;
    }

    private static byte[]? Unwrap(RSA key, byte[] wrapped, RSAEncryptionPadding padding)
    {
        try
        {
            return key.Decrypt(wrapped, padding);
        }
        catch (CryptographicException)
        {
            return null; // not encrypted to this key (rollover: the next key may fit)
        }
    }

    private static byte[]? DecryptGcm(byte[] key, byte[] cipherText)
    {
        const int nonceSize = 12, tagSize = 16;
        if (cipherText.Length < nonceSize + tagSize) return null;
        var plain = new byte[cipherText.Length - nonceSize - tagSize];
        try
        {
            using var gcm = new AesGcm(key, tagSize);
            gcm.Decrypt(cipherText.AsSpan(0, nonceSize), cipherText.AsSpan(nonceSize, plain.Length),
                cipherText.AsSpan(cipherText.Length - tagSize), plain);
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[]? DecryptCbc(byte[] key, byte[] cipherText)
    {
        const int block = 16;
        if (cipherText.Length < 2 * block || cipherText.Length % block != 0) return null;
        using var aes = Aes.Create();
        aes.Key = key;
        byte[] padded = aes.DecryptCbc(cipherText.AsSpan(block), cipherText.AsSpan(0, block), PaddingMode.None);
        // XML Encryption §5.2.1 padding: the last octet is the pad length; the other pad octets are arbitrary.
        int pad = padded[^1];
        return pad is < 1 or > block ? null : padded.AsSpan(0, padded.Length - pad).ToArray();
    }

    private static byte[]? CipherValue(XmlElement parent)
    {
        var cipherData = SafeXml.Child(parent, SamlNames.XEnc, "CipherData");
        var cipherValue = cipherData is null ? null : SafeXml.Child(cipherData, SamlNames.XEnc, "CipherValue");
        if (cipherValue is null || !SafeXml.IsTextOnly(cipherValue)) return null;
        string text = cipherValue.InnerText;
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer.AsSpan(0, written).ToArray() : null;
    }

    /// <summary>The in-scope namespace declarations around the EncryptedAssertion, so a decrypted assertion
    /// that relies on prefixes declared by the Response still parses (as EncryptedXml.ReplaceData allows).</summary>
    private static XmlParserContext ParserContext(XmlElement encryptedAssertion)
    {
        var nameTable = new NameTable();
        var namespaces = new XmlNamespaceManager(nameTable);
        var seen = new HashSet<string>();
        for (XmlNode? n = encryptedAssertion; n is XmlElement e; n = n.ParentNode)
        {
            foreach (XmlAttribute a in e.Attributes)
            {
                if (a.NamespaceURI != "http://www.w3.org/2000/xmlns/") continue;
                string prefix = a.Prefix.Length == 0 ? "" : a.LocalName;
                if (seen.Add(prefix) && prefix != "xml" && prefix != "xmlns") namespaces.AddNamespace(prefix, a.Value);
            }
        }
        return new XmlParserContext(nameTable, namespaces, null, XmlSpace.None);
    }
}
