using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Scim;

/// <summary>
/// Evaluates a filter against one JSON resource in memory: for tests, for small sets and for PATCH value
/// filters. String comparisons honour the bound attribute's <c>caseExact</c> (RFC 7643 §2.2); an unbound
/// attribute compares case-insensitively. A multi-valued attribute matches when any value matches
/// (RFC 7644 §3.4.2.2). <c>ne</c> is the negation of <c>eq</c>, so it is true for an absent attribute.
/// </summary>
public static class ScimFilterEvaluator
{
    public static bool Matches(ScimFilterNode filter, JsonNode? resource) => Evaluate(filter, resource);

    private static bool Evaluate(ScimFilterNode node, JsonNode? context) => node switch
    {
        ScimLogicalNode { Operator: ScimLogical.And } and => Evaluate(and.Left, context) && Evaluate(and.Right, context),
        ScimLogicalNode or => Evaluate(or.Left, context) || Evaluate(or.Right, context),
        ScimNotNode not => !Evaluate(not.Inner, context),
        ScimValuePathNode valuePath => Elements(Locate(context, valuePath.Path with { SubAttribute = null }))
            .Any(element => Evaluate(valuePath.Filter, element)),
        ScimComparisonNode comparison => Compare(comparison, context),
        _ => false,
    };

    private static bool Compare(ScimComparisonNode comparison, JsonNode? context)
    {
        var values = Values(context, comparison.Path).ToList();
        var op = comparison.Operator;
        if (op == ScimComparison.Pr) return values.Any(IsPresent);
        var literal = comparison.Value!;
        if (literal.Kind == ScimValueKind.Null)
        {
            var present = values.Any(IsPresent);
            return op == ScimComparison.Eq ? !present : present;
        }
        if (op == ScimComparison.Ne)
            return !values.Any(v => CompareOne(v, ScimComparison.Eq, literal, comparison.Attribute));
        return values.Any(v => CompareOne(v, op, literal, comparison.Attribute));
    }

    private static bool CompareOne(JsonNode? node, ScimComparison op, ScimFilterValue literal, ScimAttribute? attribute)
    {
        if (node is not JsonValue value) return false;
        switch (value.GetValueKind())
        {
            case JsonValueKind.True or JsonValueKind.False:
            {
                var actual = value.GetValue<bool>();
                var expected = literal.Kind == ScimValueKind.Boolean ? literal.Boolean
                    : bool.TryParse(literal.Text, out var b) ? b : (bool?)null;
                return expected is { } e && op == ScimComparison.Eq && actual == e;
            }
            case JsonValueKind.Number:
            {
                if (literal.Kind != ScimValueKind.Number || !decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var actual))
                    return false;
                return Ordered(actual.CompareTo(literal.Number), op);
            }
            case JsonValueKind.String:
            {
                var actual = value.GetValue<string>();
                var isDate = attribute?.Type == ScimAttributeType.DateTime || literal.Kind == ScimValueKind.DateTime;
                if (isDate)
                {
                    if (!ScimDateTime.TryParse(actual, out var actualInstant)) return false;
                    var expectedInstant = literal.Kind == ScimValueKind.DateTime ? literal.DateTime
                        : ScimDateTime.TryParse(literal.Text, out var parsed) ? parsed : (DateTimeOffset?)null;
                    return expectedInstant is { } ei && Ordered(actualInstant.CompareTo(ei), op);
                }
                if (literal.Kind == ScimValueKind.Boolean) return false;
                var comparison = attribute?.Comparison ?? StringComparison.OrdinalIgnoreCase;
                var text = literal.Text;
                return op switch
                {
                    ScimComparison.Eq => string.Equals(actual, text, comparison),
                    ScimComparison.Co => actual.Contains(text, comparison),
                    ScimComparison.Sw => actual.StartsWith(text, comparison),
                    ScimComparison.Ew => actual.EndsWith(text, comparison),
                    _ => Ordered(string.Compare(actual, text, comparison), op),
                };
            }
            default:
                return false;
        }
    }

    private static bool Ordered(int sign, ScimComparison op) => op switch
    {
        ScimComparison.Eq => sign == 0,
        ScimComparison.Gt => sign > 0,
        ScimComparison.Ge => sign >= 0,
        ScimComparison.Lt => sign < 0,
        ScimComparison.Le => sign <= 0,
        _ => false,
    };

    private static bool IsPresent(JsonNode? node) => node switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonObject obj => obj.Count > 0,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>().Length > 0,
        JsonValue value => value.GetValueKind() != JsonValueKind.Null,
        _ => false,
    };

    /// <summary>The node at <c>[urn:]name</c> relative to a resource or an element.</summary>
    internal static JsonNode? Locate(JsonNode? context, AttributePath path)
    {
        var container = context;
        if (path.SchemaUrn is { } urn)
        {
            var extension = JsonNames.Get(context, urn);
            // A core-schema URN prefix names a top-level attribute.
            if (extension is not null) container = extension;
            else if (!urn.Contains(":core:", StringComparison.OrdinalIgnoreCase)) return null;
        }
        var node = JsonNames.Get(container, path.Name);
        if (path.SubAttribute is null) return node;
        if (node is JsonArray array)
        {
            var collected = new JsonArray();
            foreach (var element in array)
                if (JsonNames.Get(element, path.SubAttribute) is { } sub) collected.Add(sub.DeepClone());
            return collected;
        }
        return JsonNames.Get(node, path.SubAttribute);
    }

    private static IEnumerable<JsonNode?> Values(JsonNode? context, AttributePath path)
    {
        var node = Locate(context, path);
        if (node is JsonArray array)
        {
            foreach (var element in array) yield return element;
        }
        else if (node is not null)
        {
            yield return node;
        }
    }

    private static IEnumerable<JsonNode?> Elements(JsonNode? node) => node switch
    {
        JsonArray array => array,
        JsonObject obj => [obj],
        _ => [],
    };
}
