using System.Text.Json.Nodes;

namespace Gatehouse.Scim.Tests;

public class FilterEvaluatorTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var item in Vectors.Load("filters/cases.json").AsArray())
            data.Add(item!["filter"]!.GetValue<string>());
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FilterVector_AgainstUserFixtures_MatchesExpectedUsersOrFails(string filter)
    {
        // Arrange
        var vector = Vectors.Load("filters/cases.json").AsArray().First(c => c!["filter"]!.GetValue<string>() == filter)!;
        var users = Vectors.Load("filters/users.json").AsArray();

        // Act
        var bound = ScimFilter.Parse(filter, GatehouseScimSchemas.UserResource);

        // Assert
        if (vector["error"] is { } expectedError)
        {
            Assert.False(bound.IsSuccess, $"{vector["source"]}: expected {expectedError}, got {bound}");
            Assert.Equal(expectedError.GetValue<string>(), bound.Error!.ScimType);
            return;
        }
        Assert.True(bound.IsSuccess, $"{vector["source"]}: {bound}");
        var matched = users.Where(u => ScimFilterEvaluator.Matches(bound.Value, u)).Select(u => u!["id"]!.GetValue<string>()).ToList();
        var expected = vector["matches"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Equal(expected, matched);
    }

    private static bool Eval(string filter, string json, ScimResourceType? type = null)
    {
        var bound = ScimFilter.Parse(filter, type ?? GatehouseScimSchemas.UserResource);
        Assert.True(bound.IsSuccess, bound.ToString());
        return ScimFilterEvaluator.Matches(bound.Value, JsonNode.Parse(json));
    }

    [Fact]
    public void Evaluate_CaseInsensitiveAttribute_IgnoresCase()
    {
        Assert.True(Eval("userName eq \"ADA@EXAMPLE.COM\"", """{"userName":"ada@example.com"}"""));
        Assert.True(Eval("userName co \"EXAMPLE\"", """{"userName":"ada@example.com"}"""));
    }

    [Fact]
    public void Evaluate_CaseExactAttribute_RespectsCase()
    {
        Assert.False(Eval("externalId eq \"ABC\"", """{"externalId":"abc"}"""));
        Assert.True(Eval("externalId eq \"abc\"", """{"externalId":"abc"}"""));
    }

    [Fact]
    public void Evaluate_ResourceKeysInOtherCase_AreFound()
    {
        Assert.True(Eval("userName eq \"a\"", """{"USERNAME":"a"}"""));
    }

    [Fact]
    public void Evaluate_NeOnAbsentAttribute_IsTrue()
    {
        Assert.True(Eval("title ne \"x\"", """{"userName":"a"}"""));
    }

    [Fact]
    public void Evaluate_PresentOnEmptyString_IsFalse()
    {
        Assert.False(Eval("title pr", """{"title":""}"""));
        Assert.False(Eval("emails pr", """{"emails":[]}"""));
    }

    [Fact]
    public void Evaluate_EqNull_MatchesAbsent()
    {
        Assert.True(Eval("title eq null", """{"userName":"a"}"""));
        Assert.False(Eval("title eq null", """{"title":"x"}"""));
    }

    [Fact]
    public void Evaluate_ValuePath_RequiresSameElement()
    {
        const string json = """{"emails":[{"type":"work","value":"a@x"},{"type":"home","value":"b@x"}]}""";
        Assert.True(Eval("emails[type eq \"work\" and value eq \"a@x\"]", json));
        Assert.False(Eval("emails[type eq \"work\" and value eq \"b@x\"]", json));
    }

    [Fact]
    public void Evaluate_DateTimeWithOffset_ComparesInstants()
    {
        Assert.True(Eval("meta.lastModified eq \"2024-01-01T02:00:00+02:00\"", """{"meta":{"lastModified":"2024-01-01T00:00:00Z"}}"""));
    }
}
