namespace Gatehouse.Scim;

/// <summary>
/// A parsed PATCH path (RFC 7644 §3.5.2): the attribute, an optional value filter over its elements, and an
/// optional sub-attribute after the filter (<c>emails[type eq "work"].value</c>).
/// </summary>
public sealed record ScimPatchPath(AttributePath Attribute, ScimFilterNode? Filter, string? SubAttributeAfterFilter)
{
    public override string ToString() =>
        Attribute + (Filter is null ? "" : $"[{Filter}]") + (SubAttributeAfterFilter is null ? "" : "." + SubAttributeAfterFilter);
}
