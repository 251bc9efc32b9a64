using System.Linq.Expressions;

namespace Gatehouse.Scim.Tests;

public class FilterToExpressionTests
{
    public sealed class UserRow
    {
        public Guid Id { get; init; }
        public string UsernameNormalized { get; init; } = "";
        public string? ExternalId { get; init; }
        public string? Email { get; init; }
        public string? Title { get; init; }
        public bool Active { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTime? CreatedUtc { get; init; }
        public int LoginCount { get; init; }
    }

    private static readonly Guid AdaId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static readonly UserRow[] Rows =
    [
        new() { Id = AdaId, UsernameNormalized = "ada@example.com", ExternalId = "5d48a0a8-e3ea-4e26-9aba-0b8e2e3c4f0f", Email = "ada@example.com", Title = "Analyst", Active = true, UpdatedAt = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero), CreatedUtc = new DateTime(2024, 1, 10, 0, 0, 0, DateTimeKind.Utc), LoginCount = 5 },
        new() { Id = Guid.NewGuid(), UsernameNormalized = "bob@example.com", ExternalId = "EXT-B", Email = "bob@example.com", Active = false, UpdatedAt = new(2023, 12, 31, 0, 0, 0, TimeSpan.Zero), LoginCount = 0 },
    ];

    private static ScimFilterToExpression<UserRow> Builder() => new ScimFilterToExpression<UserRow>()
        .Map("userName", u => u.UsernameNormalized, ScimColumnCase.LowerInvariant)
        .Map("id", u => u.Id)
        .Map("externalId", u => u.ExternalId)
        .Map("emails.value", u => u.Email, ScimColumnCase.LowerInvariant)
        .Map("emails.type", u => "work")
        .Map("title", u => u.Title)
        .Map("active", u => u.Active)
        .Map("meta.lastModified", u => u.UpdatedAt)
        .Map("meta.created", u => u.CreatedUtc);

    private static string[] Query(string filter, ScimFilterToExpression<UserRow>? builder = null)
    {
        var bound = ScimFilter.Parse(filter, GatehouseScimSchemas.UserResource);
        Assert.True(bound.IsSuccess, bound.ToString());
        var expression = (builder ?? Builder()).Build(bound.Value);
        Assert.True(expression.IsSuccess, expression.ToString());
        return Rows.AsQueryable().Where(expression.Value).Select(u => u.UsernameNormalized).ToArray();
    }

    [Fact]
    public void Build_UserNameEqMixedCase_LowersLiteralForNormalizedColumn()
    {
        Assert.Equal(["ada@example.com"], Query("userName eq \"Ada@Example.COM\""));
    }

    [Theory]
    [InlineData("userName co \"BOB\"", "bob@example.com")]
    [InlineData("userName sw \"ad\"", "ada@example.com")]
    [InlineData("userName ew \"@EXAMPLE.com\"", "ada@example.com,bob@example.com")]
    [InlineData("userName ne \"ada@example.com\"", "bob@example.com")]
    [InlineData("userName gt \"b\"", "bob@example.com")]
    [InlineData("title pr", "ada@example.com")]
    [InlineData("title eq null", "bob@example.com")]
    [InlineData("active eq true", "ada@example.com")]
    [InlineData("active ne true", "bob@example.com")]
    [InlineData("meta.lastModified ge \"2024-01-01T00:00:00Z\"", "ada@example.com")]
    [InlineData("meta.lastModified lt \"2024-01-01T00:00:00Z\"", "bob@example.com")]
    [InlineData("meta.created gt \"2024-01-01T00:00:00Z\"", "ada@example.com")]
    [InlineData("meta.created pr", "ada@example.com")]
    [InlineData("not (active eq true) or userName sw \"a\"", "ada@example.com,bob@example.com")]
    [InlineData("active eq true and userName sw \"b\"", "")]
    [InlineData("externalId eq 5d48a0a8-e3ea-4e26-9aba-0b8e2e3c4f0f", "ada@example.com")]
    [InlineData("externalId eq \"ext-b\"", "")]
    [InlineData("emails[type eq \"work\"].value eq \"BOB@example.com\"", "bob@example.com")]
    [InlineData("emails[type eq \"home\"].value eq \"bob@example.com\"", "")]
    [InlineData("id eq \"0f8fad5b-d9cb-469f-a165-70867728950e\"", "ada@example.com")]
    [InlineData("id eq \"not-a-guid\"", "")]
    [InlineData("id ne \"not-a-guid\"", "ada@example.com,bob@example.com")]
    public void Build_Filter_SelectsExpectedRows(string filter, string expected)
    {
        var want = expected.Length == 0 ? [] : expected.Split(',');
        Assert.Equal(want, Query(filter));
    }

    [Fact]
    public void Build_UnmappedAttribute_IsInvalidFilter()
    {
        var bound = ScimFilter.Parse("displayName eq \"x\"", GatehouseScimSchemas.UserResource);
        var result = Builder().Build(bound.Value);
        Assert.False(result.IsSuccess);
        Assert.Equal(ScimErrorType.InvalidFilter, result.Error!.Type);
    }

    [Fact]
    public void Build_NumericColumn_ComparesNumbers()
    {
        var integerSchema = GatehouseScimSchemas.User with
        {
            Attributes = [.. GatehouseScimSchemas.User.Attributes, new ScimAttribute("loginCount", ScimAttributeType.Integer)],
        };
        var type = GatehouseScimSchemas.UserResource with { Schema = integerSchema };
        var bound = ScimFilter.Parse("loginCount gt 1", type);
        Assert.True(bound.IsSuccess, bound.ToString());
        var expression = new ScimFilterToExpression<UserRow>().Map("loginCount", u => u.LoginCount).Build(bound.Value);
        Assert.Equal(["ada@example.com"], Rows.AsQueryable().Where(expression.Value).Select(u => u.UsernameNormalized).ToArray());
    }

    [Fact]
    public void Build_Literal_IsNotInlinedAsConstant()
    {
        var bound = ScimFilter.Parse("userName eq \"secret-literal\"", GatehouseScimSchemas.UserResource);
        var expression = Builder().Build(bound.Value).Value;
        var constants = new ConstantCollector();
        constants.Visit(expression);
        Assert.DoesNotContain(constants.Values, v => v is string s && s.Contains("secret-literal"));
    }

    private sealed class ConstantCollector : ExpressionVisitor
    {
        public List<object?> Values { get; } = [];

        protected override Expression VisitConstant(ConstantExpression node)
        {
            Values.Add(node.Value);
            return base.VisitConstant(node);
        }
    }
}
