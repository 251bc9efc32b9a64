using System.Text.Json.Nodes;

namespace Gatehouse.Scim.Tests;

public class PagingTests
{
    [Theory]
    [InlineData(0L, 10L, 1, 10)]
    [InlineData(-5L, 10L, 1, 10)]
    [InlineData(3L, -1L, 3, 0)]
    [InlineData(1L, 1_000_000L, 1, 200)]
    [InlineData(null, null, 1, 100)]
    [InlineData(21L, 20L, 21, 20)]
    public void Normalize_OutOfRangeValues_AreClamped(long? startIndex, long? count, int expectedStart, int expectedCount)
    {
        var page = ScimPaging.Normalize(startIndex, count, defaultCount: 100, maxCount: 200);
        Assert.Equal(new ScimPage(expectedStart, expectedCount), page);
        Assert.Equal(expectedStart - 1, page.Skip);
    }

    [Theory]
    [InlineData(1, 100, 0, 0)]      // nothing matched the filter
    [InlineData(1, 100, 1, 1)]      // one match: the lookup every IdP does before a create
    [InlineData(201, 100, 37, 237)] // the last page
    [InlineData(1, 100, 100, null)] // a full page: more may follow
    [InlineData(501, 100, 0, null)] // past the end: the total may be below the offset
    [InlineData(1, 0, 0, null)]     // count=0 asks for the total only
    public void TotalFromPage_OnlyWhenThePageProvesIt(int startIndex, int count, int rows, int? expected) =>
        Assert.Equal(expected, new ScimPage(startIndex, count).TotalFromPage(rows));

    [Fact]
    public void Parse_QueryStrings_AreNormalized()
    {
        var page = ScimPaging.Parse("0", "-1", 100, 200);
        Assert.True(page.IsSuccess);
        Assert.Equal(new ScimPage(1, 0), page.Value);
    }

    [Fact]
    public void Parse_NonInteger_IsInvalidValue()
    {
        var page = ScimPaging.Parse("abc", "10", 100, 200);
        Assert.Equal(ScimErrorType.InvalidValue, page.Error!.Type);
    }

    [Fact]
    public void ListResponse_Create_WritesIntegersAndResources()
    {
        var resources = new JsonNode[] { new JsonObject { ["id"] = "a" }, new JsonObject { ["id"] = "b" } };
        var body = ScimListResponse.Create(resources, totalResults: 7, new ScimPage(3, 2));

        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", body["schemas"]![0]!.GetValue<string>());
        Assert.Equal(7, body["totalResults"]!.GetValue<int>());
        Assert.Equal(3, body["startIndex"]!.GetValue<int>());
        Assert.Equal(2, body["itemsPerPage"]!.GetValue<int>());
        Assert.Equal(2, body["Resources"]!.AsArray().Count);
    }

    [Fact]
    public void ListResponse_Empty_HasZeroItems()
    {
        var body = ScimListResponse.Create([], totalResults: 0, startIndex: 1);
        Assert.Equal(0, body["itemsPerPage"]!.GetValue<int>());
        Assert.Empty(body["Resources"]!.AsArray());
    }
}
