using System.Xml;

namespace Gatehouse.Saml;

/// <summary>One iterative pass over a parsed tree: nesting depth, document-wide ID uniqueness over
/// ID/Id/id (XSW7/XSW8, CVE-2025-23369; .NET resolves Id before ID, catalogue §1.18.1), the number of
/// assertions anywhere (CVE-2022-41912, XSW3–8, Advice/StatusDetail/Extensions) and every ds:Signature.</summary>
internal sealed class DocumentScan
{
    public SamlError? Error { get; private set; }
    public List<XmlElement> Signatures { get; } = new(2);

    public static DocumentScan Run(XmlElement root, HashSet<string> ids)
    {
        var scan = new DocumentScan();
        int assertions = 0, depth = 0;
        XmlNode node = root;
        while (true)
        {
            if (node is XmlElement element)
            {
                if (depth > SafeXml.MaxDepth)
                {
                    scan.Error = new SamlError(SamlErrorCode.InvalidStructure, "The message nests elements too deeply.", $"<= {SafeXml.MaxDepth}", depth.ToString());
                    return scan;
                }
                foreach (XmlAttribute attribute in element.Attributes)
                {
                    if (attribute.NamespaceURI.Length == 0 && attribute.LocalName is "ID" or "Id" or "id" && !ids.Add(attribute.Value))
                    {
                        scan.Error = new SamlError(SamlErrorCode.DuplicateId,
                            "Two elements carry the same ID; references would be ambiguous (signature wrapping).",
                            "unique IDs", attribute.Value);
                        return scan;
                    }
                }
                if (element.NamespaceURI == SamlNames.Assertion && element.LocalName is "Assertion" or "EncryptedAssertion")
                {
                    assertions++;
                    if (assertions > 1)
                    {
                        scan.Error = new SamlError(SamlErrorCode.MultipleAssertions,
                            "The message contains more than one assertion (only one, directly in the Response, is accepted).",
                            "1", $"another in {element.ParentNode?.Name}");
                        return scan;
                    }
                }
                else if (element.Is(SamlNames.DSig, "Signature"))
                {
                    scan.Signatures.Add(element);
                }
                if (element.FirstChild is { } child)
                {
                    node = child;
                    depth++;
                    continue;
                }
            }
            while (true)
            {
                if (ReferenceEquals(node, root)) return scan;
                if (node.NextSibling is { } next)
                {
                    node = next;
                    break;
                }
                node = node.ParentNode!;
                depth--;
            }
        }
    }
}

/// <summary>samlp:Response children in schema order (SAML Core §3.2.2, §3.3.3): Issuer? Signature?
/// Extensions? Status (Assertion | EncryptedAssertion)*. Anything else, or out of order, is refused.</summary>
internal sealed record ResponseLayout(XmlElement? Issuer, XmlElement? ResponseSignature, XmlElement Status, XmlElement? Assertion)
{
    public static ResponseLayout? Read(XmlElement response, out SamlError? error)
    {
        error = null;
        var children = SafeXml.ElementChildren(response, strict: false);
        if (children is null)
        {
            error = Invalid("The Response contains text outside its elements.", null);
            return null;
        }
        int i = 0;
        XmlElement? issuer = null, signature = null, status = null, assertion = null;
        if (i < children.Count && children[i].Is(SamlNames.Assertion, "Issuer")) issuer = children[i++];
        if (i < children.Count && children[i].Is(SamlNames.DSig, "Signature")) signature = children[i++];
        if (i < children.Count && children[i].Is(SamlNames.Protocol, "Extensions")) i++;
        if (i < children.Count && children[i].Is(SamlNames.Protocol, "Status")) status = children[i++];
        if (status is null)
        {
            error = Invalid("The Response has no samlp:Status where the schema requires it.", i < children.Count ? children[i].Name : "(end)");
            return null;
        }
        for (; i < children.Count; i++)
        {
            if (children[i].NamespaceURI == SamlNames.Assertion && children[i].LocalName is "Assertion" or "EncryptedAssertion")
            {
                assertion ??= children[i];
                continue;
            }
            error = Invalid($"Unexpected element {children[i].Name} in the Response.", children[i].Name);
            return null;
        }
        return new ResponseLayout(issuer, signature, status, assertion);
    }

    private static SamlError Invalid(string message, string? got) =>
        new(SamlErrorCode.InvalidStructure, message, "Issuer? Signature? Extensions? Status Assertion", got);
}

/// <summary>saml:Assertion children (SAML Core §2.3.3): Issuer first, the Signature (if any) right after it,
/// then the known elements. A Signature anywhere else is refused (catalogue §1.2 "signature at the end").</summary>
internal static class AssertionLayout
{
    private static readonly HashSet<string> Allowed =
        ["Subject", "Conditions", "Advice", "Statement", "AuthnStatement", "AuthzDecisionStatement", "AttributeStatement"];

    public static SamlError? Check(XmlElement assertion, out XmlElement? signature)
    {
        signature = null;
        if (assertion.Attr("Version") != "2.0")
        {
            return new SamlError(SamlErrorCode.UnsupportedVersion, "Only SAML 2.0 assertions are accepted.", "2.0", assertion.Attr("Version"));
        }
        if (string.IsNullOrEmpty(assertion.Attr("ID")))
        {
            return new SamlError(SamlErrorCode.MissingId, "The Assertion has no ID.");
        }
        var children = SafeXml.ElementChildren(assertion, strict: false);
        if (children is null || children.Count == 0 || !children[0].Is(SamlNames.Assertion, "Issuer"))
        {
            return new SamlError(SamlErrorCode.IssuerMissing, "The Assertion must start with its Issuer (SAML Core §2.3.3).");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 1; i < children.Count; i++)
        {
            var child = children[i];
            if (i == 1 && child.Is(SamlNames.DSig, "Signature"))
            {
                signature = child;
                continue;
            }
            if (child.NamespaceURI != SamlNames.Assertion || !Allowed.Contains(child.LocalName))
            {
                return new SamlError(SamlErrorCode.InvalidStructure, $"Unexpected element {child.Name} in the Assertion.",
                    "Issuer, Signature?, Subject?, Conditions?, Advice?, statements", child.Name);
            }
            // Subject, Conditions and Advice occur at most once: a second one would be a second truth.
            if (child.LocalName is "Subject" or "Conditions" or "Advice" && !seen.Add(child.LocalName))
            {
                return new SamlError(SamlErrorCode.InvalidStructure, $"The Assertion has more than one {child.Name}.", "at most one", child.Name);
            }
            if (child.LocalName == "Subject")
            {
                int identifiers = SafeXml.ElementChildren(child, strict: false)?
                    .Count(e => e.NamespaceURI == SamlNames.Assertion && e.LocalName is "NameID" or "BaseID" or "EncryptedID") ?? 2;
                if (identifiers > 1)
                {
                    return new SamlError(SamlErrorCode.InvalidStructure, "The Subject names more than one identifier.", "one NameID", identifiers.ToString());
                }
            }
        }
        return null;
    }
}

internal static class StatusCheck
{
    private const string StatusPrefix = "urn:oasis:names:tc:SAML:2.0:status:";

    /// <summary>Non-Success is refused with the IdP's own words: top-level code, second-level code and
    /// StatusMessage (the usual "user not assigned to the application" case).</summary>
    public static SamlError? Check(XmlElement status)
    {
        var code = SafeXml.Child(status, SamlNames.Protocol, "StatusCode");
        string? value = code?.Attr("Value");
        if (value == SamlNames.StatusSuccess) return null;
        string? second = code is null ? null : SafeXml.Child(code, SamlNames.Protocol, "StatusCode")?.Attr("Value");
        string? message = SafeXml.Child(status, SamlNames.Protocol, "StatusMessage")?.InnerText.Trim();
        string readable = Short(value) + (second is null ? "" : $" / {Short(second)}");
        return new SamlError(SamlErrorCode.StatusNotSuccess,
            $"The identity provider refused the sign-in: {readable}" + (string.IsNullOrEmpty(message) ? "." : $": {message}"),
            "Success", second is null ? value : $"{value} / {second}");
    }

    private static string Short(string? code) =>
        code is null ? "(no status code)" : code.StartsWith(StatusPrefix, StringComparison.Ordinal) ? code[StatusPrefix.Length..] : code;
}
