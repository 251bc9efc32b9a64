using System.Text.Json.Nodes;

namespace Gatehouse.Scim.Tests;

public class PatchVectorTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Vectors.Files("patch")) data.Add(file);
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void PatchVector_FromIdpOrHostileSource_ProducesExpectedOutcome(string file)
    {
        // Arrange
        var vector = Vectors.Load($"patch/{file}");
        var type = Vectors.ResourceType(vector["resourceType"]!.GetValue<string>());
        var resource = vector["resource"]!.AsObject();
        var original = resource.DeepClone();
        var expect = vector["expect"]!;

        // Act
        var result = ScimPatcher.Apply(resource, vector["request"], type);

        // Assert
        Assert.True(JsonNode.DeepEquals(original, resource), "the input resource must not be modified");
        if (expect["error"] is { } error)
        {
            Assert.False(result.IsSuccess, $"{vector["source"]}: expected {error}, got {result}");
            Assert.Equal(error.GetValue<string>(), result.Error!.ScimType);
            return;
        }
        Assert.True(result.IsSuccess, $"{vector["source"]}: {result}");
        var actual = result.Value;
        Assert.True(JsonNode.DeepEquals(expect["resource"], actual.Resource),
            $"{vector["source"]}\nexpected {expect["resource"]!.ToJsonString()}\nactual   {actual.Resource.ToJsonString()}");
        Assert.Equal(Strings(expect["changed"]).Order(), actual.ChangedAttributes.Order());
        if (expect["membersAdded"] is { } added)
        {
            Assert.NotNull(actual.Members);
            Assert.Equal(Strings(added), actual.Members!.Added);
            Assert.Equal(Strings(expect["membersRemoved"]), actual.Members.Removed);
        }
        if (expect["membersReplaced"] is { } replaced)
            Assert.Equal(replaced.GetValue<bool>(), actual.Members!.Replaced);
    }

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node?.AsArray().Select(n => n!.GetValue<string>()) ?? [];
}
