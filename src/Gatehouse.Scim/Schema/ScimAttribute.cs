namespace Gatehouse.Scim;

/// <summary>RFC 7643 §2.3 data types.</summary>
public enum ScimAttributeType { String, Boolean, Decimal, Integer, DateTime, Binary, Reference, Complex }

/// <summary>RFC 7643 §7 "mutability".</summary>
public enum ScimMutability { ReadWrite, ReadOnly, Immutable, WriteOnly }

/// <summary>RFC 7643 §7 "returned".</summary>
public enum ScimReturned { Default, Always, Never, Request }

/// <summary>RFC 7643 §7 "uniqueness".</summary>
public enum ScimUniqueness { None, Server, Global }

/// <summary>
/// One attribute definition (RFC 7643 §7). The same record drives the filter binder, the PATCH applier and the
/// <c>/Schemas</c> document, so what we advertise is exactly what we accept.
/// </summary>
public sealed record ScimAttribute(string Name, ScimAttributeType Type)
{
    public bool MultiValued { get; init; }
    public string Description { get; init; } = "";
    public bool Required { get; init; }
    /// <summary>RFC 7643 §2.2: when false, filters and duplicate checks compare case-insensitively.</summary>
    public bool CaseExact { get; init; }
    public ScimMutability Mutability { get; init; } = ScimMutability.ReadWrite;
    public ScimReturned Returned { get; init; } = ScimReturned.Default;
    public ScimUniqueness Uniqueness { get; init; } = ScimUniqueness.None;
    public IReadOnlyList<ScimAttribute> SubAttributes { get; init; } = [];
    public IReadOnlyList<string> CanonicalValues { get; init; } = [];
    public IReadOnlyList<string> ReferenceTypes { get; init; } = [];

    /// <summary>
    /// Whether a filter may name this attribute. Never for <c>returned: never</c> attributes: a filter such as
    /// <c>password sw "a"</c> would otherwise be a boolean oracle (RFC 7644 §7.5.2).
    /// </summary>
    public bool Filterable
    {
        get => _filterable && Returned != ScimReturned.Never;
        init => _filterable = value;
    }
    private readonly bool _filterable = true;

    public ScimAttribute? FindSubAttribute(string name)
    {
        foreach (var sub in SubAttributes)
            if (string.Equals(sub.Name, name, StringComparison.OrdinalIgnoreCase)) return sub;
        return null;
    }

    public StringComparison Comparison => CaseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
}

/// <summary>One schema (RFC 7643 §7): a URN, a name and its top-level attributes.</summary>
public sealed record ScimSchema(string Id, string Name, string Description, IReadOnlyList<ScimAttribute> Attributes)
{
    public ScimAttribute? Find(string name)
    {
        foreach (var attribute in Attributes)
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase)) return attribute;
        return null;
    }
}

/// <summary>An extension schema attached to a resource type (RFC 7643 §6 "schemaExtensions").</summary>
public sealed record ScimSchemaExtension(ScimSchema Schema, bool Required = false);
