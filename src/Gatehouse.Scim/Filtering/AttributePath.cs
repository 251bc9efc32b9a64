namespace Gatehouse.Scim;

/// <summary>
/// <c>attrPath = [URI ":"] ATTRNAME *1subAttr</c> (RFC 7644 §3.10). Names keep the client's spelling until a
/// binder resolves them; comparisons of names are always case-insensitive (RFC 7643 §2.1).
/// </summary>
public sealed record AttributePath(string? SchemaUrn, string Name, string? SubAttribute = null)
{
    /// <summary>The path without the URN: <c>name</c> or <c>name.sub</c>.</summary>
    public string ShortName => SubAttribute is null ? Name : $"{Name}.{SubAttribute}";

    public override string ToString() => SchemaUrn is null ? ShortName : $"{SchemaUrn}:{ShortName}";

    public bool Matches(AttributePath other) =>
        string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Splits a path token such as <c>name.familyName</c> or
    /// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value</c>. The URN ends at the last
    /// colon, so the dots of a version ("2.0") never read as a sub-attribute. Null when a part is not a valid name.
    /// </summary>
    public static AttributePath? TryParse(string token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        string? urn = null;
        var rest = token;
        if (token.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = token.LastIndexOf(':');
            if (colon <= 4 || colon == token.Length - 1) return null;
            urn = token[..colon];
            rest = token[(colon + 1)..];
        }
        var dot = rest.IndexOf('.');
        var name = dot < 0 ? rest : rest[..dot];
        var sub = dot < 0 ? null : rest[(dot + 1)..];
        if (!IsAttributeName(name)) return null;
        if (sub is not null && !IsAttributeName(sub)) return null;
        return new AttributePath(urn, name, sub);
    }

    /// <summary><c>ATTRNAME = ALPHA *(nameChar)</c>, plus the <c>$ref</c> sub-attribute of RFC 7643 §2.3.7.</summary>
    public static bool IsAttributeName(string name)
    {
        if (name.Length == 0) return false;
        if (name == "$ref") return true;
        if (!char.IsAsciiLetter(name[0])) return false;
        foreach (var c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_') return false;
        return true;
    }
}
