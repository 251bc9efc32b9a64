using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Scim;

/// <summary>
/// What a PATCH changed, computed by comparing the resource before and after all operations. A diff rather than
/// a log of operations: an operation that re-sends the current value is not a change, and an add followed by a
/// remove of the same member cancels out.
/// </summary>
internal static class ScimResourceDiff
{
    public static IReadOnlyList<string> ChangedAttributes(JsonObject before, JsonObject after, ScimResourceType type)
    {
        var changed = new List<string>();
        foreach (var name in TopLevelNames(before, after))
        {
            if (type.FindExtension(name) is { } extension)
            {
                var b = JsonNames.Get(before, name) as JsonObject ?? new JsonObject();
                var a = JsonNames.Get(after, name) as JsonObject ?? new JsonObject();
                foreach (var inner in TopLevelNames(b, a))
                {
                    if (!JsonNode.DeepEquals(JsonNames.Get(b, inner), JsonNames.Get(a, inner)))
                        changed.Add($"{extension.Id}:{extension.Find(inner)?.Name ?? inner}");
                }
                continue;
            }
            if (string.Equals(name, "schemas", StringComparison.OrdinalIgnoreCase)) continue;
            if (!JsonNode.DeepEquals(JsonNames.Get(before, name), JsonNames.Get(after, name)))
                changed.Add(type.Resolve(new AttributePath(null, name))?.Attribute.Name ?? name);
        }
        return changed;
    }

    /// <summary>Member deltas for resource types that have <c>members</c> (Groups); null otherwise.</summary>
    public static ScimMemberChanges? Members(JsonObject before, JsonObject after, ScimResourceType type, bool replaced)
    {
        if (type.Schema.Find("members") is null) return null;
        var old = MemberIds(before);
        var current = MemberIds(after);
        var oldSet = new HashSet<string>(old, StringComparer.OrdinalIgnoreCase);
        var currentSet = new HashSet<string>(current, StringComparer.OrdinalIgnoreCase);
        return new ScimMemberChanges(
            current.Where(id => !oldSet.Contains(id)).ToList(),
            old.Where(id => !currentSet.Contains(id)).ToList(),
            replaced,
            current);
    }

    private static List<string> MemberIds(JsonObject resource)
    {
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (JsonNames.Get(resource, "members") is not JsonArray members) return ids;
        foreach (var member in members)
        {
            if (JsonNames.Get(member, "value") is JsonValue v && v.GetValueKind() == JsonValueKind.String
                && v.GetValue<string>() is { Length: > 0 } id && seen.Add(id))
                ids.Add(id);
        }
        return ids;
    }

    private static IEnumerable<string> TopLevelNames(JsonObject before, JsonObject after)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, _) in before) if (names.Add(key)) yield return key;
        foreach (var (key, _) in after) if (names.Add(key)) yield return key;
    }
}
