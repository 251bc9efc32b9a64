using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Scim;

/// <summary>
/// Edits one multi-valued attribute of a container (the resource or an extension object): merging without
/// duplicates, value-filter selection, create-on-missing, and the single-primary rule (RFC 7643 §2.4).
/// </summary>
internal sealed class MultiValuedEditor(JsonObject container, ScimAttribute attribute, ScimValueCoercion coerce, ScimPatchOptions options, string path)
{
    private JsonArray Current => JsonNames.Get(container, attribute.Name) as JsonArray ?? new JsonArray();

    private void Store(JsonArray items)
    {
        if (items.Count == 0) JsonNames.RemoveAll(container, attribute.Name);
        else JsonNames.Set(container, attribute.Name, items);
    }

    private JsonArray Copy() => (JsonArray)Current.DeepClone();

    /// <summary><c>replace</c> of the whole attribute: the new list, de-duplicated.</summary>
    public void ReplaceAll(JsonArray items)
    {
        var result = new JsonArray();
        MergeInto(result, items);
        Store(result);
    }

    /// <summary><c>add</c>: new values are appended; a value already present is updated in place, not duplicated.</summary>
    public void Merge(JsonArray items)
    {
        var result = Copy();
        MergeInto(result, items);
        Store(result);
    }

    private void MergeInto(JsonArray result, JsonArray items)
    {
        var primary = (JsonNode?)null;
        foreach (var item in items.ToList())
        {
            var existing = result.FirstOrDefault(e => SameValue(e, item));
            if (existing is JsonObject existingObject && item is JsonObject itemObject)
            {
                foreach (var (key, value) in itemObject) JsonNames.Set(existingObject, key, value?.DeepClone());
                if (IsPrimary(existingObject)) primary = existingObject;
            }
            else if (existing is null)
            {
                var clone = item!.DeepClone();
                result.Add(clone);
                if (IsPrimary(clone)) primary = clone;
            }
        }
        EnforceSinglePrimary(result, primary);
    }

    /// <summary>Entra's legacy member removal: remove exactly the listed values; absent ones are ignored.</summary>
    public ScimError? RemoveValues(JsonNode values)
    {
        var coerced = coerce.Attribute(attribute, values, path);
        if (!coerced.IsSuccess) return coerced.Error;
        var result = Copy();
        foreach (var item in (JsonArray)coerced.Value!)
        {
            for (var i = result.Count - 1; i >= 0; i--)
                if (SameValue(result[i], item)) result.RemoveAt(i);
        }
        Store(result);
        return null;
    }

    public ScimError? RemoveMatching(ScimFilterNode filter, ScimAttribute? sub)
    {
        var result = Copy();
        var matches = result.Where(e => ScimFilterEvaluator.Matches(filter, e)).ToList();
        if (matches.Count == 0)
        {
            // Membership changes are idempotent unless the host asks for RFC strictness (see ScimPatchOptions).
            if (IsMembers && !options.StrictMemberRemoval) return null;
            return ScimError.NoTarget($"No value of '{path}' matches [{filter}].");
        }
        foreach (var match in matches)
        {
            if (sub is null) result.Remove(match);
            else if (match is JsonObject obj) JsonNames.RemoveAll(obj, sub.Name);
        }
        Store(result);
        return null;
    }

    /// <summary>
    /// add/replace through a value filter. When nothing matches, an <c>eq</c>-only filter describes the element to
    /// create (Entra: <c>replace emails[type eq "work"].value</c> on a user without a work email adds one);
    /// any other filter fails with noTarget (RFC 7644 §3.5.2.3).
    /// </summary>
    public ScimError? SetMatching(ScimFilterNode filter, ScimAttribute? sub, JsonNode? value)
    {
        var result = Copy();
        var matches = result.Where(e => ScimFilterEvaluator.Matches(filter, e)).OfType<JsonObject>().ToList();
        JsonNode? primary = null;

        if (sub is not null)
        {
            var coerced = ScimValueCoercion.IsNull(value)
                ? ScimResult<JsonNode?>.Ok(null)
                : coerce.Simple(sub, value!, $"{path}.{sub.Name}");
            if (!coerced.IsSuccess) return coerced.Error;
            if (matches.Count == 0)
            {
                if (coerced.Value is null) return null;
                var seed = ElementFromFilter(filter);
                if (seed is null) return ScimError.NoTarget($"No value of '{path}' matches [{filter}].");
                JsonNames.Set(seed, sub.Name, coerced.Value);
                result.Add(seed);
                if (IsPrimary(seed)) primary = seed;
            }
            foreach (var match in matches)
            {
                if (coerced.Value is null) JsonNames.RemoveAll(match, sub.Name);
                else JsonNames.Set(match, sub.Name, coerced.Value.DeepClone());
                if (IsPrimary(match)) primary = match;
            }
        }
        else
        {
            var coerced = coerce.Element(attribute, value, path);
            if (!coerced.IsSuccess) return coerced.Error;
            if (coerced.Value is not JsonObject element) return ScimError.InvalidValue($"'{path}' expects an object.");
            if (matches.Count == 0)
            {
                var seed = ElementFromFilter(filter);
                if (seed is null) return ScimError.NoTarget($"No value of '{path}' matches [{filter}].");
                foreach (var (key, item) in element) JsonNames.Set(seed, key, item?.DeepClone());
                result.Add(seed);
                if (IsPrimary(seed)) primary = seed;
            }
            foreach (var match in matches)
            {
                // RFC 7644 §3.5.2.3: matching values are replaced by the given value.
                var index = result.IndexOf(match);
                var replacement = (JsonObject)element.DeepClone();
                result[index] = replacement;
                if (IsPrimary(replacement)) primary = replacement;
            }
        }
        EnforceSinglePrimary(result, primary);
        Store(result);
        return null;
    }

    /// <summary><c>emails.value</c> without a filter: the sub-attribute of every value.</summary>
    public ScimError? SetSubOnAll(ScimAttribute sub, JsonNode? value)
    {
        if (ScimValueCoercion.IsNull(value)) return RemoveSubFromAll(sub);
        var coerced = coerce.Simple(sub, value!, $"{path}.{sub.Name}");
        if (!coerced.IsSuccess) return coerced.Error;
        var result = Copy();
        if (result.Count == 0) result.Add(new JsonObject());
        foreach (var element in result.OfType<JsonObject>()) JsonNames.Set(element, sub.Name, coerced.Value!.DeepClone());
        Store(result);
        return null;
    }

    public ScimError? RemoveSubFromAll(ScimAttribute sub)
    {
        var result = Copy();
        foreach (var element in result.OfType<JsonObject>()) JsonNames.RemoveAll(element, sub.Name);
        Store(result);
        return null;
    }

    private bool IsMembers => string.Equals(attribute.Name, "members", StringComparison.Ordinal);

    /// <summary>
    /// Two values are the same when their <c>value</c> sub-attributes are equal (honouring caseExact) and their
    /// <c>type</c>s do not differ; simple values compare directly.
    /// </summary>
    private bool SameValue(JsonNode? a, JsonNode? b)
    {
        if (a is JsonObject x && b is JsonObject y)
        {
            var valueSub = attribute.FindSubAttribute("value");
            var vx = JsonNames.Get(x, "value");
            var vy = JsonNames.Get(y, "value");
            if (vx is null || vy is null) return JsonNode.DeepEquals(x, y);
            if (!ScalarEquals(vx, vy, valueSub?.CaseExact ?? false)) return false;
            var tx = JsonNames.Get(x, "type");
            var ty = JsonNames.Get(y, "type");
            return tx is null || ty is null || ScalarEquals(tx, ty, caseExact: false);
        }
        return a is not null && b is not null && ScalarEquals(a, b, attribute.CaseExact);
    }

    private static bool ScalarEquals(JsonNode a, JsonNode b, bool caseExact)
    {
        if (a is JsonValue va && b is JsonValue vb
            && va.GetValueKind() == JsonValueKind.String && vb.GetValueKind() == JsonValueKind.String)
        {
            return string.Equals(va.GetValue<string>(), vb.GetValue<string>(),
                caseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
        }
        return JsonNode.DeepEquals(a, b);
    }

    private static bool IsPrimary(JsonNode? node) =>
        JsonNames.Get(node, "primary") is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>RFC 7643 §2.4: "primary" true appears no more than once; the value just written wins.</summary>
    private static void EnforceSinglePrimary(JsonArray items, JsonNode? winner)
    {
        var primaries = items.Where(IsPrimary).ToList();
        if (primaries.Count <= 1) return;
        winner ??= primaries[0];
        foreach (var element in primaries)
            if (!ReferenceEquals(element, winner) && element is JsonObject obj) JsonNames.Set(obj, "primary", false);
    }

    /// <summary>The element an <c>eq</c>-only filter describes: <c>type eq "work"</c> → <c>{"type":"work"}</c>.</summary>
    private static JsonObject? ElementFromFilter(ScimFilterNode filter)
    {
        var seed = new JsonObject();
        return Collect(filter, seed) ? seed : null;

        static bool Collect(ScimFilterNode node, JsonObject seed)
        {
            switch (node)
            {
                case ScimLogicalNode { Operator: ScimLogical.And } and:
                    return Collect(and.Left, seed) && Collect(and.Right, seed);
                case ScimComparisonNode { Operator: ScimComparison.Eq, Value: { } value } comparison:
                    JsonNode? literal = value.Kind switch
                    {
                        ScimValueKind.String or ScimValueKind.DateTime => JsonValue.Create(value.Text),
                        ScimValueKind.Boolean => JsonValue.Create(value.Boolean),
                        ScimValueKind.Number => JsonValue.Create(value.Number),
                        _ => null,
                    };
                    if (literal is null) return false;
                    JsonNames.Set(seed, comparison.Path.Name, literal);
                    return true;
                default:
                    return false;
            }
        }
    }
}
