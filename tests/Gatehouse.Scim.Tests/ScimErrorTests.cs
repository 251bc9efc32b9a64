using System.Text.Json.Nodes;

namespace Gatehouse.Scim.Tests;

public class ScimErrorTests
{
    [Fact]
    public void ToJson_InvalidFilter_HasRfc7644Body()
    {
        var body = ScimError.InvalidFilter("Unknown operator 'xx'", 9).ToJson();

        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", body["schemas"]![0]!.GetValue<string>());
        Assert.Equal("400", body["status"]!.GetValue<string>());
        Assert.Equal("invalidFilter", body["scimType"]!.GetValue<string>());
        Assert.Equal("Unknown operator 'xx' (at position 9).", body["detail"]!.GetValue<string>());
    }

    [Fact]
    public void ToJsonString_Status_IsJsonString()
    {
        var text = ScimError.Uniqueness("userName is taken.").ToJsonString();
        Assert.Contains("\"status\":\"409\"", text);
        Assert.Contains("\"scimType\":\"uniqueness\"", text);
    }

    [Theory]
    [InlineData(ScimErrorType.InvalidFilter, 400, "invalidFilter")]
    [InlineData(ScimErrorType.TooMany, 400, "tooMany")]
    [InlineData(ScimErrorType.Uniqueness, 409, "uniqueness")]
    [InlineData(ScimErrorType.Mutability, 400, "mutability")]
    [InlineData(ScimErrorType.InvalidSyntax, 400, "invalidSyntax")]
    [InlineData(ScimErrorType.InvalidPath, 400, "invalidPath")]
    [InlineData(ScimErrorType.NoTarget, 400, "noTarget")]
    [InlineData(ScimErrorType.InvalidValue, 400, "invalidValue")]
    [InlineData(ScimErrorType.InvalidVers, 400, "invalidVers")]
    [InlineData(ScimErrorType.Sensitive, 403, "sensitive")]
    [InlineData(ScimErrorType.NotFound, 404, null)]
    [InlineData(ScimErrorType.Unauthorized, 401, null)]
    [InlineData(ScimErrorType.PreconditionFailed, 412, null)]
    [InlineData(ScimErrorType.PayloadTooLarge, 413, null)]
    [InlineData(ScimErrorType.NotImplemented, 501, null)]
    [InlineData(ScimErrorType.InternalError, 500, null)]
    public void ScimError_EachType_MapsToStatusAndScimType(ScimErrorType type, int status, string? scimType)
    {
        var error = new ScimError(type, "detail");
        Assert.Equal(status, error.Status);
        Assert.Equal(scimType, error.ScimType);
        var body = error.ToJson();
        Assert.Equal(status.ToString(), body["status"]!.GetValue<string>());
        Assert.Equal(scimType is not null, body.ContainsKey("scimType"));
    }

    [Fact]
    public void ScimResult_ValueOfFailure_Throws()
    {
        ScimResult<int> result = ScimError.NotFound("gone");
        Assert.False(result.IsSuccess);
        Assert.Throws<InvalidOperationException>(() => result.Value);
    }
}
