using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Scim;

/// <summary>
/// Converts PATCH values to the attribute's declared type, accepting the dialects IdPs really send:
/// Entra's <c>"True"</c>/<c>"False"</c> for booleans, a bare id string for a complex reference such as
/// <c>manager</c>, a single object where an array is expected. Every produced node is new (never a node of the
/// request), and keys are written in their canonical spelling.
/// </summary>
internal sealed class ScimValueCoercion(List<string> ignored)
{
    /// <summary>A whole attribute: an array for multi-valued attributes (a single element is wrapped).</summary>
    public ScimResult<JsonNode?> Attribute(ScimAttribute attribute, JsonNode? value, string path)
    {
        if (IsNull(value)) return (JsonNode?)null;
        if (!attribute.MultiValued) return Element(attribute, value, path);

        var items = value is JsonArray array ? array.ToList() : [value];
        var result = new JsonArray();
        foreach (var item in items)
        {
            var element = Element(attribute, item, path);
            if (!element.IsSuccess) return element;
            if (element.Value is { } node) result.Add(node);
        }
        return result;
    }

    /// <summary>One value of the attribute (one element when multi-valued).</summary>
    public ScimResult<JsonNode?> Element(ScimAttribute attribute, JsonNode? value, string path)
    {
        if (IsNull(value)) return (JsonNode?)null;
        if (attribute.Type == ScimAttributeType.Complex) return Complex(attribute, value!, path, keepNulls: false);
        return Simple(attribute, value!, path);
    }

    /// <summary>
    /// A complex value. With <paramref name="keepNulls"/> a null sub-attribute survives, meaning "unassign it"
    /// when merged into an existing complex attribute (RFC 7643 §2.5).
    /// </summary>
    public ScimResult<JsonNode?> Complex(ScimAttribute attribute, JsonNode value, string path, bool keepNulls)
    {
        if (value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String && attribute.FindSubAttribute("value") is { } valueSub)
        {
            // Entra sends the enterprise manager as a bare id: "value": "26118915-6090-4610-87a4-49d0767c1b20".
            var text = scalar.GetValue<string>();
            if (text.Length == 0) return (JsonNode?)null;
            return new JsonObject { [valueSub.Name] = text };
        }
        if (value is not JsonObject obj) return ScimError.InvalidValue($"'{path}' expects an object.");

        var result = new JsonObject();
        foreach (var (key, subValue) in obj)
        {
            var sub = attribute.FindSubAttribute(key);
            if (sub is null)
            {
                ignored.Add($"{path}.{key}");
                continue;
            }
            if (result.ContainsKey(sub.Name)) return ScimError.InvalidSyntax($"'{path}.{sub.Name}' appears more than once.");
            if (IsNull(subValue))
            {
                if (keepNulls) result[sub.Name] = null;
                continue;
            }
            var coerced = Simple(sub, subValue!, $"{path}.{sub.Name}");
            if (!coerced.IsSuccess) return coerced;
            result[sub.Name] = coerced.Value;
        }
        return result;
    }

    public ScimResult<JsonNode?> Simple(ScimAttribute attribute, JsonNode value, string path)
    {
        if (IsNull(value)) return (JsonNode?)null;
        if (attribute.Type == ScimAttributeType.Complex) return Complex(attribute, value, path, keepNulls: false);
        if (value is not JsonValue scalar) return ScimError.InvalidValue($"'{path}' expects a single {Describe(attribute.Type)} value.");

        var kind = scalar.GetValueKind();
        switch (attribute.Type)
        {
            case ScimAttributeType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False) return JsonValue.Create(scalar.GetValue<bool>());
                // Entra (without ?aadOptscim062020) sends "True"/"False".
                if (kind == JsonValueKind.String && bool.TryParse(scalar.GetValue<string>().Trim(), out var parsed))
                    return JsonValue.Create(parsed);
                return ScimError.InvalidValue($"'{path}' expects a boolean.");

            case ScimAttributeType.String or ScimAttributeType.Reference or ScimAttributeType.Binary:
                if (kind == JsonValueKind.String) return JsonValue.Create(scalar.GetValue<string>());
                if (kind == JsonValueKind.Number) return JsonValue.Create(scalar.ToJsonString());
                return ScimError.InvalidValue($"'{path}' expects a string.");

            case ScimAttributeType.DateTime:
                if (kind == JsonValueKind.String && ScimDateTime.TryParse(scalar.GetValue<string>(), out var instant))
                    return JsonValue.Create(ScimDateTime.Format(instant));
                return ScimError.InvalidValue($"'{path}' expects a dateTime such as \"2024-01-31T12:00:00Z\".");

            case ScimAttributeType.Integer:
            {
                var text = kind == JsonValueKind.String ? scalar.GetValue<string>() : kind == JsonValueKind.Number ? scalar.ToJsonString() : null;
                if (text is not null && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
                    return JsonValue.Create(integer);
                return ScimError.InvalidValue($"'{path}' expects an integer.");
            }
            case ScimAttributeType.Decimal:
            {
                var text = kind == JsonValueKind.String ? scalar.GetValue<string>() : kind == JsonValueKind.Number ? scalar.ToJsonString() : null;
                if (text is not null && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    return JsonValue.Create(number);
                return ScimError.InvalidValue($"'{path}' expects a number.");
            }
            default:
                return ScimError.InvalidValue($"'{path}' has an unsupported type.");
        }
    }

    public static bool IsNull(JsonNode? node) => node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.Null);

    private static string Describe(ScimAttributeType type) => type.ToString().ToLowerInvariant();
}
