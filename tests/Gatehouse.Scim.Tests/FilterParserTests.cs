namespace Gatehouse.Scim.Tests;

public class FilterParserTests
{
    private static ScimFilterNode ParseOk(string filter)
    {
        var result = ScimFilterParser.Parse(filter);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    private static ScimError ParseError(string filter, ScimFilterLimits? limits = null)
    {
        var result = ScimFilterParser.Parse(filter, limits);
        Assert.False(result.IsSuccess, $"'{filter}' parsed as {result}");
        Assert.Equal(ScimErrorType.InvalidFilter, result.Error!.Type);
        Assert.Equal("invalidFilter", result.Error.ScimType);
        return result.Error;
    }

    [Theory]
    [InlineData("eq", ScimComparison.Eq)]
    [InlineData("ne", ScimComparison.Ne)]
    [InlineData("co", ScimComparison.Co)]
    [InlineData("sw", ScimComparison.Sw)]
    [InlineData("ew", ScimComparison.Ew)]
    [InlineData("gt", ScimComparison.Gt)]
    [InlineData("ge", ScimComparison.Ge)]
    [InlineData("lt", ScimComparison.Lt)]
    [InlineData("le", ScimComparison.Le)]
    [InlineData("EQ", ScimComparison.Eq)]
    [InlineData("Sw", ScimComparison.Sw)]
    public void Parse_EachComparisonOperator_ProducesComparisonNode(string op, ScimComparison expected)
    {
        var node = Assert.IsType<ScimComparisonNode>(ParseOk($"userName {op} \"a\""));
        Assert.Equal(expected, node.Operator);
        Assert.Equal("a", node.Value!.Text);
    }

    [Fact]
    public void Parse_Present_HasNoValue()
    {
        var node = Assert.IsType<ScimComparisonNode>(ParseOk("title pr"));
        Assert.Equal(ScimComparison.Pr, node.Operator);
        Assert.Null(node.Value);
    }

    [Fact]
    public void Parse_AndBindsTighterThanOr_GroupsAndFirst()
    {
        var node = Assert.IsType<ScimLogicalNode>(ParseOk("a eq 1 or b eq 2 and c eq 3"));
        Assert.Equal(ScimLogical.Or, node.Operator);
        var right = Assert.IsType<ScimLogicalNode>(node.Right);
        Assert.Equal(ScimLogical.And, right.Operator);
    }

    [Fact]
    public void Parse_NotBindsTighterThanAnd_AppliesToNextTermOnly()
    {
        var node = Assert.IsType<ScimLogicalNode>(ParseOk("not (a eq 1) and b eq 2"));
        Assert.Equal(ScimLogical.And, node.Operator);
        Assert.IsType<ScimNotNode>(node.Left);
    }

    [Fact]
    public void Parse_Parentheses_OverridePrecedence()
    {
        var node = Assert.IsType<ScimLogicalNode>(ParseOk("(a eq 1 or b eq 2) and c eq 3"));
        Assert.Equal(ScimLogical.And, node.Operator);
        Assert.Equal(ScimLogical.Or, Assert.IsType<ScimLogicalNode>(node.Left).Operator);
    }

    [Fact]
    public void Parse_LogicalKeywords_AreCaseInsensitive()
    {
        var node = Assert.IsType<ScimLogicalNode>(ParseOk("a eq 1 AND NOT (b eq 2) Or c pr"));
        Assert.Equal(ScimLogical.Or, node.Operator);
    }

    [Fact]
    public void Parse_ValuePath_ProducesValuePathNode()
    {
        var node = Assert.IsType<ScimValuePathNode>(ParseOk("emails[type eq \"work\"]"));
        Assert.Equal("emails", node.Path.Name);
        var inner = Assert.IsType<ScimComparisonNode>(node.Filter);
        Assert.Equal("type", inner.Path.Name);
    }

    [Fact]
    public void Parse_ValuePathWithSubAttribute_FoldsComparisonIntoFilter()
    {
        var node = Assert.IsType<ScimValuePathNode>(ParseOk("emails[type eq \"work\"].value eq \"a@b.c\""));
        var and = Assert.IsType<ScimLogicalNode>(node.Filter);
        Assert.Equal(ScimLogical.And, and.Operator);
        Assert.Equal("value", Assert.IsType<ScimComparisonNode>(and.Right).Path.Name);
    }

    [Fact]
    public void Parse_MembersValuePath_ProducesValuePathNode()
    {
        var node = Assert.IsType<ScimValuePathNode>(ParseOk("members[value eq \"x\"]"));
        Assert.Equal("members", node.Path.Name);
    }

    [Fact]
    public void Parse_UrnPrefixedAttribute_SplitsAtLastColon()
    {
        var node = Assert.IsType<ScimComparisonNode>(ParseOk("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"1\""));
        Assert.Equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", node.Path.SchemaUrn);
        Assert.Equal("employeeNumber", node.Path.Name);
        Assert.Null(node.Path.SubAttribute);
    }

    [Fact]
    public void Parse_UrnPrefixedSubAttribute_KeepsVersionDots()
    {
        var node = Assert.IsType<ScimComparisonNode>(ParseOk("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"1\""));
        Assert.Equal("manager", node.Path.Name);
        Assert.Equal("value", node.Path.SubAttribute);
    }

    [Theory]
    [InlineData("name.familyName", "name", "familyName")]
    [InlineData("meta.lastModified", "meta", "lastModified")]
    public void Parse_SubAttribute_SplitsAtDot(string path, string name, string sub)
    {
        var node = Assert.IsType<ScimComparisonNode>(ParseOk($"{path} pr"));
        Assert.Equal(name, node.Path.Name);
        Assert.Equal(sub, node.Path.SubAttribute);
    }

    [Fact]
    public void Parse_QuotedStringWithJsonEscapes_Unescapes()
    {
        var node = Assert.IsType<ScimComparisonNode>(ParseOk(@"displayName eq ""a\""b\\c\/d\u00e9\n"""));
        Assert.Equal("a\"b\\c/dé\n", node.Value!.Text);
        Assert.False(node.Value.Unquoted);
    }

    [Theory]
    [InlineData("true", ScimValueKind.Boolean)]
    [InlineData("false", ScimValueKind.Boolean)]
    [InlineData("null", ScimValueKind.Null)]
    [InlineData("42", ScimValueKind.Number)]
    [InlineData("-1.5e3", ScimValueKind.Number)]
    public void Parse_Literal_HasExpectedKind(string literal, ScimValueKind kind)
    {
        var node = Assert.IsType<ScimComparisonNode>(ParseOk($"x eq {literal}"));
        Assert.Equal(kind, node.Value!.Kind);
    }

    [Fact]
    public void Parse_EntraUnquotedGuid_IsAcceptedAsString()
    {
        var node = Assert.IsType<ScimComparisonNode>(ParseOk("externalId eq 5d48a0a8-e3ea-4e26-9aba-0b8e2e3c4f0f"));
        Assert.Equal(ScimValueKind.String, node.Value!.Kind);
        Assert.Equal("5d48a0a8-e3ea-4e26-9aba-0b8e2e3c4f0f", node.Value.Text);
        Assert.True(node.Value.Unquoted);
    }

    [Fact]
    public void Parse_UnknownOperator_IsInvalidFilterWithPosition()
    {
        var error = ParseError("userName xx \"a\"");
        Assert.Equal(9, error.Position);
        Assert.Contains("Unknown operator 'xx'", error.Detail);
        Assert.Contains("position 9", error.Detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("userName eq")]
    [InlineData("userName")]
    [InlineData("userName eq \"a")]
    [InlineData("(userName eq \"a\"")]
    [InlineData("userName eq \"a\")")]
    [InlineData("userName eq \"a\" and")]
    [InlineData("emails[type eq \"work\"")]
    [InlineData("emails[type eq \"work\" and x[y eq 1]]")]
    [InlineData("userName eq \"bad \\q escape\"")]
    [InlineData("1 eq 1")]
    [InlineData("userName eq x';DROP")]
    [InlineData("userName eq and")]
    public void Parse_InvalidSyntax_IsInvalidFilter(string filter)
    {
        ParseError(filter);
    }

    [Fact]
    public void Parse_TautologyInjection_IsInvalidFilter()
    {
        var error = ParseError("userName eq \"x\" or 1 eq 1");
        Assert.Contains("attribute name", error.Detail);
    }

    [Fact]
    public void Parse_TenThousandNestedParentheses_IsInvalidFilterWithoutStackOverflow()
    {
        var filter = new string('(', 10_000) + "userName eq \"a\"" + new string(')', 10_000);
        var error = ParseError(filter, ScimFilterLimits.Default with { MaxLength = 100_000 });
        Assert.Contains("nested deeper than 10", error.Detail);
    }

    [Fact]
    public void Parse_NestingAtLimit_IsAccepted()
    {
        var filter = new string('(', 10) + "userName eq \"a\"" + new string(')', 10);
        ParseOk(filter);
    }

    [Fact]
    public void Parse_DefaultLimitsWithDeepParentheses_FailsOnLength()
    {
        var filter = new string('(', 10_000) + "userName eq \"a\"" + new string(')', 10_000);
        var error = ParseError(filter);
        Assert.Contains("longer than 4096", error.Detail);
    }

    [Fact]
    public void Parse_OneMegabyteFilter_IsInvalidFilter()
    {
        var filter = "userName eq \"" + new string('a', 1024 * 1024) + "\"";
        var error = ParseError(filter);
        Assert.Contains("longer than 4096", error.Detail);
    }

    [Fact]
    public void Parse_MoreThanFiftyClauses_IsInvalidFilter()
    {
        var filter = string.Join(" or ", Enumerable.Range(0, 51).Select(i => $"userName eq \"u{i}\""));
        var error = ParseError(filter);
        Assert.Contains("more than 50 clauses", error.Detail);
    }

    [Fact]
    public void Parse_FiftyClauses_IsAccepted()
    {
        var filter = string.Join(" or ", Enumerable.Range(0, 50).Select(i => $"userName eq \"u{i}\""));
        ParseOk(filter);
    }

    [Theory]
    [InlineData("emails[type eq \"work\"].value", "emails", "value")]
    [InlineData("addresses[type eq \"work\"].streetAddress", "addresses", "streetAddress")]
    public void ParsePatchPath_ValuePathWithSubAttribute_SplitsParts(string path, string attribute, string sub)
    {
        var result = ScimFilterParser.ParsePatchPath(path);
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(attribute, result.Value.Attribute.Name);
        Assert.NotNull(result.Value.Filter);
        Assert.Equal(sub, result.Value.SubAttributeAfterFilter);
    }

    [Theory]
    [InlineData("")]
    [InlineData("emails[type eq \"work\"")]
    [InlineData("name.givenName.extra")]
    [InlineData("emails[type eq \"work\"] junk")]
    public void ParsePatchPath_Malformed_IsError(string path)
    {
        var result = ScimFilterParser.ParsePatchPath(path);
        Assert.False(result.IsSuccess);
        Assert.Contains(result.Error!.Type, new[] { ScimErrorType.InvalidPath, ScimErrorType.InvalidFilter });
    }
}
