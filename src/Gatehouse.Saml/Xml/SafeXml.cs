using System.Runtime.InteropServices;
using System.Text;
using System.Xml;

namespace Gatehouse.Saml;

/// <summary>The one way this engine turns untrusted bytes into a DOM: parsed once, by one parser, with DTDs
/// prohibited (XXE, billion laughs, CVE-2025-25291 DOCTYPE parser differentials), no resolver (no outbound
/// I/O) and a character cap. Never <c>XmlDocument.LoadXml</c>: it expands internal entities.</summary>
internal static class SafeXml
{
    /// <summary>Deepest element nesting accepted. SAML documents nest about ten deep; the cap keeps every
    /// later walk (canonicalization included) far from stack exhaustion.</summary>
    public const int MaxDepth = 64;

    public static XmlReaderSettings ReaderSettings(long maxCharacters) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxCharacters,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = false,
        IgnoreProcessingInstructions = false,
        IgnoreWhitespace = false,
        CloseInput = true,
    };

    /// <summary>Strict base64 (RFC 4648 §4 alphabet, padding required); CR/LF line breaks are tolerated
    /// because some IdPs wrap the POSTed value at 76 columns. Any other character is refused.</summary>
    public static byte[]? DecodeBase64(string encoded, out SamlError? error)
    {
        error = null;
        int significant = 0;
        foreach (char c in encoded)
        {
            if (c is '\r' or '\n') continue;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/' or '=')
            {
                significant++;
                continue;
            }
            error = new SamlError(SamlErrorCode.InvalidEncoding,
                "The SAML message is not valid base64.", "base64 alphabet", $"character U+{(int)c:X4}");
            return null;
        }
        byte[] buffer = new byte[significant / 4 * 3];
        if (significant == 0 || significant % 4 != 0 ||
            !Convert.TryFromBase64String(encoded, buffer, out int written))
        {
            error = new SamlError(SamlErrorCode.InvalidEncoding,
                "The SAML message is not valid base64 (bad length or padding).");
            return null;
        }
        return written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
    }

    public static XmlDocument? Load(ReadOnlyMemory<byte> xml, long maxCharacters, out SamlError? error) =>
        Load(xml, maxCharacters, context: null, out error);

    /// <param name="context">In-scope namespaces for a fragment cut out of a larger document (a decrypted
    /// assertion may use prefixes declared on the enclosing Response).</param>
    public static XmlDocument? Load(ReadOnlyMemory<byte> xml, long maxCharacters, XmlParserContext? context,
        out SamlError? error)
    {
        error = null;
        var document = new XmlDocument(context?.NameTable ?? new NameTable())
        {
            PreserveWhitespace = true, // signatures cover whitespace text nodes
            XmlResolver = null,
        };
        try
        {
            var stream = MemoryMarshal.TryGetArray(xml, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(xml.ToArray(), writable: false);
            using var reader = context is null
                ? XmlReader.Create(stream, ReaderSettings(maxCharacters))
                : XmlReader.Create(stream, ReaderSettings(maxCharacters), context);
            document.Load(reader);
        }
        catch (XmlException ex)
        {
            error = ContainsDoctype(xml.Span)
                ? new SamlError(SamlErrorCode.DtdProhibited, "The SAML message contains a DOCTYPE; DTDs are refused (XXE / entity expansion).")
                : new SamlError(SamlErrorCode.MalformedXml, $"The SAML message is not well-formed XML: {ex.Message}");
            return null;
        }
        if (document.DocumentElement is null)
        {
            error = new SamlError(SamlErrorCode.MalformedXml, "The SAML message has no root element.");
            return null;
        }
        return document;
    }

    /// <summary>Parses text that is already decoded (metadata pasted by an administrator): the XML
    /// declaration's encoding is irrelevant then, so a .NET-written "utf-16" declaration does not fail.</summary>
    public static XmlDocument? Load(string xml, long maxCharacters, out SamlError? error)
    {
        error = null;
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings(maxCharacters));
            document.Load(reader);
        }
        catch (XmlException ex)
        {
            error = xml.Contains("<!DOCTYPE", StringComparison.Ordinal)
                ? new SamlError(SamlErrorCode.DtdProhibited, "The document contains a DOCTYPE; DTDs are refused (XXE / entity expansion).")
                : new SamlError(SamlErrorCode.MalformedXml, $"The document is not well-formed XML: {ex.Message}");
            return null;
        }
        return document.DocumentElement is null ? null : document;
    }

    private static bool ContainsDoctype(ReadOnlySpan<byte> xml) =>
        xml.IndexOf("<!DOCTYPE"u8) >= 0 || xml.IndexOf(Encoding.Unicode.GetBytes("<!DOCTYPE")) >= 0;

    /// <summary>True when the element's only children are text (no comments, PIs or elements): used for
    /// values that must not be split (DigestValue, CVE-2025-29775).</summary>
    public static bool IsTextOnly(XmlElement element)
    {
        for (XmlNode? n = element.FirstChild; n is not null; n = n.NextSibling)
        {
            if (n.NodeType is not (XmlNodeType.Text or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace))
                return false;
        }
        return true;
    }

    public static bool Is(this XmlNode node, string ns, string localName) =>
        node.NodeType == XmlNodeType.Element && node.LocalName == localName && node.NamespaceURI == ns;

    /// <summary>Element children, refusing stray non-whitespace text or other node kinds when
    /// <paramref name="strict"/> (signature and encryption structures).</summary>
    public static List<XmlElement>? ElementChildren(XmlElement parent, bool strict)
    {
        var list = new List<XmlElement>(4);
        for (XmlNode? n = parent.FirstChild; n is not null; n = n.NextSibling)
        {
            switch (n.NodeType)
            {
                case XmlNodeType.Element:
                    list.Add((XmlElement)n);
                    break;
                case XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    break;
                case XmlNodeType.Comment or XmlNodeType.ProcessingInstruction when !strict:
                    break;
                case XmlNodeType.Text when !strict && string.IsNullOrWhiteSpace(n.Value):
                    break;
                default:
                    if (strict || n.NodeType is XmlNodeType.Text or XmlNodeType.CDATA) return null;
                    break;
            }
        }
        return list;
    }

    public static XmlElement? Child(XmlElement parent, string ns, string localName)
    {
        for (XmlNode? n = parent.FirstChild; n is not null; n = n.NextSibling)
        {
            if (n.Is(ns, localName)) return (XmlElement)n;
        }
        return null;
    }

    public static IEnumerable<XmlElement> Children(XmlElement parent, string ns, string localName)
    {
        for (XmlNode? n = parent.FirstChild; n is not null; n = n.NextSibling)
        {
            if (n.Is(ns, localName)) yield return (XmlElement)n;
        }
    }

    /// <summary>Attribute value or null when absent (XmlElement.GetAttribute returns "" for both).</summary>
    public static string? Attr(this XmlElement element, string name) =>
        element.GetAttributeNode(name)?.Value;
}
