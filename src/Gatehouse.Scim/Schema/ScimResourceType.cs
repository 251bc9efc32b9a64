namespace Gatehouse.Scim;

/// <summary>
/// A resource type (RFC 7643 §6): its core schema, its extensions, and the common attributes every resource
/// carries (RFC 7643 §3.1: <c>id</c>, <c>externalId</c>, <c>meta</c>). Resolves attribute paths for the
/// filter binder and the PATCH applier.
/// </summary>
public sealed record ScimResourceType(string Name, string Endpoint, string Description, ScimSchema Schema)
{
    public IReadOnlyList<ScimSchemaExtension> Extensions { get; init; } = [];

    /// <summary>RFC 7643 §3.1 common attributes; not listed in /Schemas, but filterable and (mostly) read-only.</summary>
    public static readonly IReadOnlyList<ScimAttribute> CommonAttributes =
    [
        new("id", ScimAttributeType.String)
        {
            CaseExact = true, Mutability = ScimMutability.ReadOnly, Returned = ScimReturned.Always,
            Uniqueness = ScimUniqueness.Server, Description = "Unique identifier issued by the service provider.",
        },
        new("externalId", ScimAttributeType.String)
        {
            CaseExact = true, Description = "Identifier issued by the provisioning client.",
        },
        new("meta", ScimAttributeType.Complex)
        {
            Mutability = ScimMutability.ReadOnly,
            SubAttributes =
            [
                new("resourceType", ScimAttributeType.String) { CaseExact = true, Mutability = ScimMutability.ReadOnly },
                new("created", ScimAttributeType.DateTime) { Mutability = ScimMutability.ReadOnly },
                new("lastModified", ScimAttributeType.DateTime) { Mutability = ScimMutability.ReadOnly },
                new("location", ScimAttributeType.Reference) { CaseExact = true, Mutability = ScimMutability.ReadOnly, ReferenceTypes = ["uri"] },
                new("version", ScimAttributeType.String) { CaseExact = true, Mutability = ScimMutability.ReadOnly },
            ],
        },
    ];

    public IEnumerable<ScimSchema> AllSchemas()
    {
        yield return Schema;
        foreach (var extension in Extensions) yield return extension.Schema;
    }

    /// <summary>The extension schema with this URN (URNs compare case-insensitively, RFC 8141 §3.1), or null.</summary>
    public ScimSchema? FindExtension(string urn)
    {
        foreach (var extension in Extensions)
            if (string.Equals(extension.Schema.Id, urn, StringComparison.OrdinalIgnoreCase)) return extension.Schema;
        return null;
    }

    /// <summary>
    /// Resolves <c>[urn:]name[.sub]</c>. A core-schema URN prefix is accepted and dropped; an extension URN keeps
    /// the attribute inside the extension object. Null when the attribute or sub-attribute is unknown.
    /// </summary>
    public ResolvedAttribute? Resolve(AttributePath path)
    {
        ScimSchema? extension = null;
        ScimAttribute? attribute;
        if (path.SchemaUrn is { } urn && !string.Equals(urn, Schema.Id, StringComparison.OrdinalIgnoreCase))
        {
            extension = FindExtension(urn);
            if (extension is null) return null;
            attribute = extension.Find(path.Name);
        }
        else
        {
            attribute = Schema.Find(path.Name) ?? FindCommon(path.Name);
        }
        if (attribute is null) return null;

        ScimAttribute? sub = null;
        if (path.SubAttribute is { } subName)
        {
            sub = attribute.FindSubAttribute(subName);
            if (sub is null) return null;
        }
        return new ResolvedAttribute(extension?.Id, attribute, sub);
    }

    private static ScimAttribute? FindCommon(string name)
    {
        foreach (var attribute in CommonAttributes)
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase)) return attribute;
        return null;
    }
}

/// <summary>An attribute path resolved against a resource type, with the canonical spelling of every part.</summary>
public sealed record ResolvedAttribute(string? ExtensionUrn, ScimAttribute Attribute, ScimAttribute? SubAttribute)
{
    /// <summary>The attribute the path ends on (the sub-attribute when there is one).</summary>
    public ScimAttribute Leaf => SubAttribute ?? Attribute;

    public AttributePath CanonicalPath => new(ExtensionUrn, Attribute.Name, SubAttribute?.Name);
}
