namespace Gatehouse.Scim.Tests;

public class FilterBinderTests
{
    private static readonly ScimResourceType Users = GatehouseScimSchemas.UserResource;

    private static ScimError BindError(string filter, ScimResourceType? type = null)
    {
        var result = ScimFilter.Parse(filter, type ?? Users);
        Assert.False(result.IsSuccess, $"'{filter}' bound as {result}");
        Assert.Equal("invalidFilter", result.Error!.ScimType);
        Assert.Equal(400, result.Error.Status);
        return result.Error;
    }

    private static ScimComparisonNode BindComparison(string filter)
    {
        var result = ScimFilter.Parse(filter, Users);
        Assert.True(result.IsSuccess, result.ToString());
        return Assert.IsType<ScimComparisonNode>(result.Value);
    }

    [Fact]
    public void Bind_AttributeNameInAnyCase_IsCanonicalized()
    {
        var node = BindComparison("USERNAME eq \"a\"");
        Assert.Equal("userName", node.Path.Name);
        Assert.NotNull(node.Attribute);
        Assert.False(node.Attribute!.CaseExact);
    }

    [Fact]
    public void Bind_CoreUrnPrefix_IsDropped()
    {
        var node = BindComparison("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"a\"");
        Assert.Null(node.Path.SchemaUrn);
    }

    [Fact]
    public void Bind_ExtensionUrnInOtherCase_IsCanonicalized()
    {
        var node = BindComparison("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:DEPARTMENT eq \"R\"");
        Assert.Equal(GatehouseScimSchemas.EnterpriseUserSchemaId, node.Path.SchemaUrn);
        Assert.Equal("department", node.Path.Name);
    }

    [Fact]
    public void Bind_ComplexWithoutSubAttribute_ComparesValue()
    {
        var node = BindComparison("emails eq \"a@b.c\"");
        Assert.Equal("emails.value", node.Path.ShortName);
    }

    [Fact]
    public void Bind_DateTimeLiteral_IsParsed()
    {
        var node = BindComparison("meta.lastModified gt \"2011-05-13T04:42:34Z\"");
        Assert.Equal(ScimValueKind.DateTime, node.Value!.Kind);
        Assert.Equal(new DateTimeOffset(2011, 5, 13, 4, 42, 34, TimeSpan.Zero), node.Value.DateTime);
    }

    [Fact]
    public void Bind_NumberForStringAttribute_BecomesString()
    {
        var node = BindComparison("externalId eq 12345");
        Assert.Equal(ScimValueKind.String, node.Value!.Kind);
        Assert.Equal("12345", node.Value.Text);
    }

    [Fact]
    public void Bind_UnknownAttribute_IsInvalidFilter()
    {
        var error = BindError("isAdmin eq true");
        Assert.Contains("Unknown attribute 'isAdmin'", error.Detail);
    }

    [Fact]
    public void Bind_UnknownSubAttribute_IsInvalidFilter()
    {
        BindError("name.middleName eq \"x\"");
    }

    [Fact]
    public void Bind_PasswordStartsWith_IsInvalidFilter()
    {
        BindError("password sw \"a\"");
    }

    [Fact]
    public void Bind_ReturnedNeverAttribute_IsNotFilterable()
    {
        var schema = GatehouseScimSchemas.User with
        {
            Attributes = [.. GatehouseScimSchemas.User.Attributes,
                new ScimAttribute("password", ScimAttributeType.String) { Mutability = ScimMutability.WriteOnly, Returned = ScimReturned.Never }],
        };
        var type = GatehouseScimSchemas.UserResource with { Schema = schema };
        var error = BindError("password sw \"a\"", type);
        Assert.Contains("cannot be used in a filter", error.Detail);
        BindError("password pr", type);
    }

    [Fact]
    public void Bind_AttributeDeclaredNotFilterable_IsInvalidFilter()
    {
        var schema = GatehouseScimSchemas.User with
        {
            Attributes = [.. GatehouseScimSchemas.User.Attributes.Select(a => a.Name == "title" ? a with { Filterable = false } : a)],
        };
        var type = GatehouseScimSchemas.UserResource with { Schema = schema };
        BindError("title eq \"x\"", type);
    }

    [Theory]
    [InlineData("meta.lastModified gt \"not-a-date\"")]
    [InlineData("meta.created eq \"5/1/2020\"")]
    [InlineData("meta.created eq 20200501")]
    public void Bind_BadDateTime_IsInvalidFilter(string filter)
    {
        var error = BindError(filter);
        Assert.Contains("dateTime", error.Detail);
    }

    [Theory]
    [InlineData("active gt false")]
    [InlineData("active co \"t\"")]
    [InlineData("active eq \"yes\"")]
    [InlineData("meta.created co \"2020\"")]
    [InlineData("userName eq true")]
    [InlineData("name eq \"x\"")]
    [InlineData("userName gt null")]
    public void Bind_OperatorOrLiteralNotValidForType_IsInvalidFilter(string filter)
    {
        BindError(filter);
    }

    [Fact]
    public void Bind_BooleanGivenAsString_IsCoerced()
    {
        var node = BindComparison("active eq \"True\"");
        Assert.Equal(ScimValueKind.Boolean, node.Value!.Kind);
        Assert.True(node.Value.Boolean);
    }

    [Fact]
    public void Bind_ValuePathOnUnknownSubAttribute_IsInvalidFilter()
    {
        BindError("emails[kind eq \"work\"]");
    }

    [Fact]
    public void Bind_ValuePathOnSimpleAttribute_IsInvalidFilter()
    {
        BindError("userName[value eq \"x\"]");
    }

    [Fact]
    public void Bind_GroupMembersValuePath_Binds()
    {
        var result = ScimFilter.Parse("members[value eq \"2819c223\"]", GatehouseScimSchemas.GroupResource);
        Assert.True(result.IsSuccess, result.ToString());
    }

    [Fact]
    public void Bind_UserAttributeOnGroup_IsInvalidFilter()
    {
        BindError("userName eq \"a\"", GatehouseScimSchemas.GroupResource);
    }
}
