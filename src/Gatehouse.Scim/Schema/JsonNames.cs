using System.Text.Json.Nodes;

namespace Gatehouse.Scim;

/// <summary>RFC 7643 §2.1: attribute names are case-insensitive, so JSON member lookups are too.</summary>
internal static class JsonNames
{
    public static string? FindKey(JsonObject obj, string name)
    {
        if (obj.ContainsKey(name)) return name;
        foreach (var (key, _) in obj)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return key;
        return null;
    }

    public static JsonNode? Get(JsonNode? node, string name) =>
        node is JsonObject obj && FindKey(obj, name) is { } key ? obj[key] : null;

    public static bool Has(JsonObject obj, string name) => FindKey(obj, name) is not null;

    /// <summary>Sets <paramref name="name"/>, replacing any spelling of it that differs only by case.</summary>
    public static void Set(JsonObject obj, string name, JsonNode? value)
    {
        RemoveAll(obj, name);
        obj[name] = value;
    }

    public static bool RemoveAll(JsonObject obj, string name)
    {
        var removed = false;
        while (FindKey(obj, name) is { } key)
        {
            obj.Remove(key);
            removed = true;
        }
        return removed;
    }
}
