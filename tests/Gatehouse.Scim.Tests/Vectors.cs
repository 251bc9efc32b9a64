using System.Text.Json.Nodes;

namespace Gatehouse.Scim.Tests;

/// <summary>Loads the JSON vector files copied next to the test assembly.</summary>
internal static class Vectors
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Vectors");

    public static JsonNode Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, relativePath)))!;

    public static IEnumerable<string> Files(string folder) =>
        System.IO.Directory.GetFiles(Path.Combine(Directory, folder), "*.json")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!;

    public static ScimResourceType ResourceType(string name) => name switch
    {
        "User" => GatehouseScimSchemas.UserResource,
        "Group" => GatehouseScimSchemas.GroupResource,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown resource type in vector."),
    };
}
