using System.Text;
using System.Xml;

namespace Gatehouse.Saml;

/// <summary>Exclusive XML Canonicalization 1.0 (https://www.w3.org/TR/xml-exc-c14n/) of one element subtree,
/// written straight from the parsed DOM. This is the lean path's replacement for SignedXml's
/// "serialize the element, parse it again, run the transform chain" (Reference.CalculateHashValue), which
/// costs a second parse per reference; verifying the very DOM nodes we later read also keeps "what is
/// verified is what is consumed". Cross-checked against XmlDsigExcC14NTransform in the tests.</summary>
internal sealed class ExclusiveCanonicalizer
{
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    private readonly StringBuilder _out = new(8192);
    private readonly List<(string Prefix, string Uri)> _rendered = new(16);
    private readonly List<(string Prefix, string Uri)> _pending = new(8);
    private readonly List<XmlAttribute> _attributes = new(8);
    private XmlNode? _excluded;
    private bool _withComments;
    private IReadOnlyList<string> _inclusivePrefixes = [];
    private bool _failed;

    [ThreadStatic] private static ExclusiveCanonicalizer? s_cached;

    /// <summary>UTF-8 canonical form of <paramref name="apex"/>, leaving out <paramref name="excluded"/>
    /// (the enveloped-signature transform), or null when the subtree cannot be canonicalized faithfully
    /// (a node kind c14n does not define here). Null must be treated as a failed signature, never as "".</summary>
    public static byte[]? Canonicalize(XmlElement apex, XmlNode? excluded, bool withComments,
        IReadOnlyList<string>? inclusivePrefixes)
    {
        var c = s_cached ?? new ExclusiveCanonicalizer();
        s_cached = null;
        try
        {
            c._excluded = excluded;
            c._withComments = withComments;
            c._inclusivePrefixes = inclusivePrefixes ?? [];
            c._failed = false;
            c.WriteElement(apex, depth: 0);
            return c._failed ? null : Encoding.UTF8.GetBytes(c._out.ToString());
        }
        finally
        {
            c._out.Clear();
            c._rendered.Clear();
            c._excluded = null;
            if (c._out.Capacity <= 1 << 20) s_cached = c;
        }
    }

    private void WriteElement(XmlElement element, int depth)
    {
        if (depth > SafeXml.MaxDepth)
        {
            _failed = true;
            return;
        }
        int scopeStart = _rendered.Count;

        // Namespace nodes to render: the visibly utilized ones (exc-c14n §3) plus the InclusiveNamespaces
        // PrefixList, each only when the nearest output ancestor did not already render the same binding.
        _pending.Clear();
        Need(element.Prefix, element.NamespaceURI);
        _attributes.Clear();
        foreach (XmlAttribute attribute in element.Attributes)
        {
            if (attribute.NamespaceURI == XmlnsNamespace) continue;
            _attributes.Add(attribute);
            if (attribute.Prefix.Length > 0 && attribute.Prefix != "xml") Need(attribute.Prefix, attribute.NamespaceURI);
        }
        foreach (string prefix in _inclusivePrefixes)
        {
            string p = prefix == "#default" ? "" : prefix;
            string? uri = element.GetNamespaceOfPrefix(p);
            if (p.Length > 0 && string.IsNullOrEmpty(uri)) continue;
            Need(p, uri ?? "");
        }
        _pending.Sort(static (a, b) => string.CompareOrdinal(a.Prefix, b.Prefix));
        _attributes.Sort(static (a, b) =>
        {
            int byNs = string.CompareOrdinal(a.NamespaceURI, b.NamespaceURI);
            return byNs != 0 ? byNs : string.CompareOrdinal(a.LocalName, b.LocalName);
        });

        _out.Append('<').Append(element.Name);
        foreach (var (prefix, uri) in _pending)
        {
            _out.Append(prefix.Length == 0 ? " xmlns=\"" : " xmlns:").Append(prefix.Length == 0 ? "" : prefix);
            if (prefix.Length > 0) _out.Append("=\"");
            AppendAttributeValue(uri);
            _out.Append('"');
            _rendered.Add((prefix, uri));
        }
        // _attributes is reused by the recursion below, so write attributes before descending.
        foreach (var attribute in _attributes)
        {
            _out.Append(' ').Append(attribute.Name).Append("=\"");
            AppendAttributeValue(attribute.Value);
            _out.Append('"');
        }
        _out.Append('>');

        for (XmlNode? child = element.FirstChild; child is not null && !_failed; child = child.NextSibling)
        {
            switch (child.NodeType)
            {
                case XmlNodeType.Element:
                    if (!ReferenceEquals(child, _excluded)) WriteElement((XmlElement)child, depth + 1);
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    AppendText(child.Value!);
                    break;
                case XmlNodeType.Comment:
                    if (_withComments) _out.Append("<!--").Append(child.Value).Append("-->");
                    break;
                case XmlNodeType.ProcessingInstruction:
                    _out.Append("<?").Append(child.Name);
                    if (!string.IsNullOrEmpty(child.Value)) _out.Append(' ').Append(child.Value);
                    _out.Append("?>");
                    break;
                default:
                    // Entity references and the like cannot occur without a DTD; refuse rather than guess.
                    _failed = true;
                    break;
            }
        }
        _out.Append("</").Append(element.Name).Append('>');
        _rendered.RemoveRange(scopeStart, _rendered.Count - scopeStart);
    }

    private void Need(string prefix, string uri)
    {
        foreach (var p in _pending)
        {
            if (p.Prefix == prefix) return;
        }
        string current = prefix.Length == 0 ? "" : "\0unbound";
        for (int i = _rendered.Count - 1; i >= 0; i--)
        {
            if (_rendered[i].Prefix == prefix)
            {
                current = _rendered[i].Uri;
                break;
            }
        }
        if (current != uri) _pending.Add((prefix, uri));
    }

    private void AppendText(string text)
    {
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': _out.Append("&amp;"); break;
                case '<': _out.Append("&lt;"); break;
                case '>': _out.Append("&gt;"); break;
                case '\r': _out.Append("&#xD;"); break;
                default: _out.Append(c); break;
            }
        }
    }

    private void AppendAttributeValue(string value)
    {
        foreach (char c in value)
        {
            switch (c)
            {
                case '&': _out.Append("&amp;"); break;
                case '<': _out.Append("&lt;"); break;
                case '"': _out.Append("&quot;"); break;
                case '\t': _out.Append("&#x9;"); break;
                case '\n': _out.Append("&#xA;"); break;
                case '\r': _out.Append("&#xD;"); break;
                default: _out.Append(c); break;
            }
        }
    }
}
