namespace Gatehouse.Scim;

/// <summary>RFC 7644 §3.4.2.2 Table 3 attribute operators.</summary>
public enum ScimComparison { Eq, Ne, Co, Sw, Ew, Pr, Gt, Ge, Lt, Le }

/// <summary>RFC 7644 §3.4.2.2 Table 4 logical operators (not is a separate node).</summary>
public enum ScimLogical { And, Or }

public enum ScimValueKind { String, Boolean, Number, Null, DateTime }

/// <summary>
/// A comparison literal. <see cref="Unquoted"/> marks Entra's bare tokens such as
/// <c>externalId eq 5d48a0a8-e3ea-4e26-9aba-0b8e2e3c4f0f</c>, accepted as strings.
/// </summary>
public sealed record ScimFilterValue(ScimValueKind Kind, string Text)
{
    public bool Unquoted { get; init; }
    public bool Boolean { get; init; }
    public decimal Number { get; init; }
    public DateTimeOffset DateTime { get; init; }

    public static ScimFilterValue String(string text, bool unquoted = false) => new(ScimValueKind.String, text) { Unquoted = unquoted };
    public static ScimFilterValue Bool(bool value) => new(ScimValueKind.Boolean, value ? "true" : "false") { Boolean = value };
    public static ScimFilterValue Num(decimal value, string text) => new(ScimValueKind.Number, text) { Number = value };
    public static ScimFilterValue Null { get; } = new(ScimValueKind.Null, "null");
    public static ScimFilterValue Date(DateTimeOffset value, string text) => new(ScimValueKind.DateTime, text) { DateTime = value };

    public override string ToString() => Kind switch
    {
        ScimValueKind.String or ScimValueKind.DateTime => System.Text.Json.JsonSerializer.Serialize(Text),
        _ => Text,
    };
}

/// <summary>
/// Lets the host translate a filter without type switches (for example to a LINQ expression or to SQL
/// parameters). <see cref="ScimFilterToExpression{T}"/> is one implementation.
/// </summary>
public interface IScimFilterVisitor<out TResult>
{
    TResult VisitLogical(ScimLogicalNode node);
    TResult VisitNot(ScimNotNode node);
    TResult VisitComparison(ScimComparisonNode node);
    TResult VisitValuePath(ScimValuePathNode node);
}

/// <summary>A node of the filter AST. Produced by <see cref="ScimFilterParser"/>; bound by <see cref="ScimFilterBinder"/>.</summary>
public abstract record ScimFilterNode
{
    public abstract TResult Accept<TResult>(IScimFilterVisitor<TResult> visitor);
}

public sealed record ScimLogicalNode(ScimLogical Operator, ScimFilterNode Left, ScimFilterNode Right) : ScimFilterNode
{
    public override TResult Accept<TResult>(IScimFilterVisitor<TResult> visitor) => visitor.VisitLogical(this);
    public override string ToString() => $"({Left} {Operator.ToString().ToLowerInvariant()} {Right})";
}

public sealed record ScimNotNode(ScimFilterNode Inner) : ScimFilterNode
{
    public override TResult Accept<TResult>(IScimFilterVisitor<TResult> visitor) => visitor.VisitNot(this);
    public override string ToString() => $"not ({Inner})";
}

/// <summary>
/// <c>attrPath compareOp compValue</c> or <c>attrPath pr</c> (<see cref="Value"/> null). Inside a value path the
/// path is relative to the element (<c>type</c> in <c>emails[type eq "work"]</c>). After binding,
/// <see cref="Attribute"/> is the attribute compared and <see cref="Path"/> is canonically spelled.
/// </summary>
public sealed record ScimComparisonNode(AttributePath Path, ScimComparison Operator, ScimFilterValue? Value) : ScimFilterNode
{
    public ScimAttribute? Attribute { get; init; }

    public override TResult Accept<TResult>(IScimFilterVisitor<TResult> visitor) => visitor.VisitComparison(this);
    public override string ToString() =>
        Value is null ? $"{Path} {Operator.ToString().ToLowerInvariant()}" : $"{Path} {Operator.ToString().ToLowerInvariant()} {Value}";
}

/// <summary>
/// <c>attrPath "[" valFilter "]"</c>: true when one element of the multi-valued attribute satisfies
/// <see cref="Filter"/>, whose paths are relative to the element. <c>emails[type eq "work"].value eq "x"</c> is
/// parsed as <c>emails[type eq "work" and value eq "x"]</c>.
/// </summary>
public sealed record ScimValuePathNode(AttributePath Path, ScimFilterNode Filter) : ScimFilterNode
{
    public ScimAttribute? Attribute { get; init; }

    public override TResult Accept<TResult>(IScimFilterVisitor<TResult> visitor) => visitor.VisitValuePath(this);
    public override string ToString() => $"{Path}[{Filter}]";
}
