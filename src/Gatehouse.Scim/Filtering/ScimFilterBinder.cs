namespace Gatehouse.Scim;

/// <summary>
/// Checks a parsed filter against what a resource type supports: unknown attributes, attributes that are not
/// filterable (<c>password</c>, any <c>returned: never</c>), operators that make no sense for the type
/// (<c>gt</c> on a boolean, RFC 7644 §3.4.2.2) and literals of the wrong type (a dateTime that does not parse)
/// all fail with <see cref="ScimErrorType.InvalidFilter"/>. The bound tree has canonical attribute names, the
/// attribute definitions attached, and dateTime literals parsed.
/// </summary>
public static class ScimFilterBinder
{
    public static ScimResult<ScimFilterNode> Bind(ScimFilterNode filter, ScimResourceType resourceType) =>
        BindNode(filter, resourceType, element: null);

    /// <summary>Binds a value filter whose paths are relative to the elements of <paramref name="parent"/>.</summary>
    public static ScimResult<ScimFilterNode> BindElementFilter(ScimFilterNode filter, ScimAttribute parent) =>
        BindNode(filter, resourceType: null, element: parent);

    private static ScimResult<ScimFilterNode> BindNode(ScimFilterNode node, ScimResourceType? resourceType, ScimAttribute? element)
    {
        switch (node)
        {
            case ScimLogicalNode logical:
            {
                var left = BindNode(logical.Left, resourceType, element);
                if (!left.IsSuccess) return left;
                var right = BindNode(logical.Right, resourceType, element);
                if (!right.IsSuccess) return right;
                return logical with { Left = left.Value, Right = right.Value };
            }
            case ScimNotNode not:
            {
                var inner = BindNode(not.Inner, resourceType, element);
                return inner.IsSuccess ? not with { Inner = inner.Value } : inner;
            }
            case ScimValuePathNode valuePath:
            {
                if (resourceType is null) return ScimError.InvalidFilter("Value filters cannot be nested");
                var resolved = resourceType.Resolve(valuePath.Path);
                if (resolved is null || resolved.SubAttribute is not null)
                    return ScimError.InvalidFilter($"Unknown attribute '{valuePath.Path}'");
                var attribute = resolved.Attribute;
                if (!attribute.Filterable) return NotFilterable(valuePath.Path);
                if (attribute.Type != ScimAttributeType.Complex)
                    return ScimError.InvalidFilter($"'{valuePath.Path}' is not a complex attribute, so it takes no value filter");
                var inner = BindNode(valuePath.Filter, null, attribute);
                if (!inner.IsSuccess) return inner;
                return valuePath with { Path = resolved.CanonicalPath, Filter = inner.Value, Attribute = attribute };
            }
            case ScimComparisonNode comparison:
                return element is null
                    ? BindComparison(comparison, resourceType!)
                    : BindElementComparison(comparison, element);
            default:
                return ScimError.InvalidFilter("Unsupported filter node");
        }
    }

    private static ScimResult<ScimFilterNode> BindComparison(ScimComparisonNode comparison, ScimResourceType resourceType)
    {
        var resolved = resourceType.Resolve(comparison.Path);
        if (resolved is null) return ScimError.InvalidFilter($"Unknown attribute '{comparison.Path}'");
        if (!resolved.Attribute.Filterable || !resolved.Leaf.Filterable) return NotFilterable(comparison.Path);

        var path = resolved.CanonicalPath;
        var leaf = resolved.Leaf;
        if (leaf.Type == ScimAttributeType.Complex && comparison.Operator != ScimComparison.Pr)
        {
            // RFC 7644 §3.4.2.2: a complex attribute without a sub-attribute is compared through its "value".
            var value = leaf.FindSubAttribute("value");
            if (value is null || resolved.SubAttribute is not null)
                return ScimError.InvalidFilter($"'{comparison.Path}' is a complex attribute; name one of its sub-attributes");
            path = path with { SubAttribute = value.Name };
            leaf = value;
        }
        return Finish(comparison, path, leaf);
    }

    private static ScimResult<ScimFilterNode> BindElementComparison(ScimComparisonNode comparison, ScimAttribute parent)
    {
        if (comparison.Path.SchemaUrn is not null || comparison.Path.SubAttribute is not null)
            return ScimError.InvalidFilter($"'{comparison.Path}' must be a sub-attribute of '{parent.Name}'");
        var sub = parent.FindSubAttribute(comparison.Path.Name);
        if (sub is null) return ScimError.InvalidFilter($"Unknown attribute '{parent.Name}.{comparison.Path.Name}'");
        if (!sub.Filterable) return NotFilterable(new AttributePath(null, parent.Name, comparison.Path.Name));
        return Finish(comparison, new AttributePath(null, sub.Name), sub);
    }

    private static ScimResult<ScimFilterNode> Finish(ScimComparisonNode comparison, AttributePath path, ScimAttribute leaf)
    {
        var value = CheckValue(leaf, comparison);
        if (!value.IsSuccess) return value.Error!;
        return comparison with { Path = path, Value = value.Value, Attribute = leaf };
    }

    private static ScimResult<ScimFilterValue?> CheckValue(ScimAttribute attribute, ScimComparisonNode comparison)
    {
        var op = comparison.Operator;
        var value = comparison.Value;
        var name = comparison.Path.ToString();
        if (op == ScimComparison.Pr) return (ScimFilterValue?)null;
        if (value is null) return ScimError.InvalidFilter($"'{name}' needs a value");

        if (value.Kind == ScimValueKind.Null)
        {
            return op is ScimComparison.Eq or ScimComparison.Ne
                ? value
                : ScimError.InvalidFilter($"null can only be compared with eq or ne ('{name}')");
        }

        var isOrdering = op is ScimComparison.Gt or ScimComparison.Ge or ScimComparison.Lt or ScimComparison.Le;
        var isSubstring = op is ScimComparison.Co or ScimComparison.Sw or ScimComparison.Ew;
        switch (attribute.Type)
        {
            case ScimAttributeType.Boolean:
                // RFC 7644 §3.4.2.2: gt/ge/lt/le on Boolean or Binary → 400 invalidFilter.
                if (isOrdering || isSubstring) return ScimError.InvalidFilter($"'{name}' is a boolean and only supports eq, ne and pr");
                if (value.Kind == ScimValueKind.Boolean) return value;
                if (value.Kind == ScimValueKind.String && bool.TryParse(value.Text, out var parsed)) return ScimFilterValue.Bool(parsed);
                return ScimError.InvalidFilter($"'{name}' is a boolean; compare it with true or false");

            case ScimAttributeType.Binary:
                if (op is not (ScimComparison.Eq or ScimComparison.Ne))
                    return ScimError.InvalidFilter($"'{name}' is binary and only supports eq, ne and pr");
                return value.Kind == ScimValueKind.String ? value : ScimError.InvalidFilter($"'{name}' needs a string value");

            case ScimAttributeType.String or ScimAttributeType.Reference:
                if (value.Kind == ScimValueKind.String) return value;
                // Entra sends unquoted numeric identifiers (externalId eq 12345): keep the literal text.
                if (value.Kind == ScimValueKind.Number) return ScimFilterValue.String(value.Text, unquoted: true);
                return ScimError.InvalidFilter($"'{name}' is a string; compare it with a quoted string");

            case ScimAttributeType.DateTime:
                if (isSubstring) return ScimError.InvalidFilter($"'{name}' is a dateTime and does not support co, sw or ew");
                if (value.Kind == ScimValueKind.String && ScimDateTime.TryParse(value.Text, out var instant))
                    return ScimFilterValue.Date(instant, value.Text);
                return ScimError.InvalidFilter($"'{value.Text}' is not a valid dateTime for '{name}' (expected e.g. \"2024-01-31T12:00:00Z\")");

            case ScimAttributeType.Integer or ScimAttributeType.Decimal:
                if (isSubstring) return ScimError.InvalidFilter($"'{name}' is a number and does not support co, sw or ew");
                if (value.Kind != ScimValueKind.Number) return ScimError.InvalidFilter($"'{name}' is a number; compare it with a number");
                if (attribute.Type == ScimAttributeType.Integer && decimal.Truncate(value.Number) != value.Number)
                    return ScimError.InvalidFilter($"'{name}' is an integer");
                return value;

            default:
                return ScimError.InvalidFilter($"'{name}' cannot be compared");
        }
    }

    private static ScimError NotFilterable(AttributePath path) =>
        ScimError.InvalidFilter($"The attribute '{path}' cannot be used in a filter");
}

/// <summary>Parse-and-bind in one call: what an endpoint does with <c>?filter=</c>.</summary>
public static class ScimFilter
{
    public static ScimResult<ScimFilterNode> Parse(string? filter, ScimResourceType resourceType, ScimFilterLimits? limits = null)
    {
        var parsed = ScimFilterParser.Parse(filter, limits);
        return parsed.IsSuccess ? ScimFilterBinder.Bind(parsed.Value, resourceType) : parsed;
    }
}
