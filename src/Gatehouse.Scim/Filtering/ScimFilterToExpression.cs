using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;

namespace Gatehouse.Scim;

/// <summary>How a mapped string column stores case (the contract of <see cref="ScimFilterToExpression{T}"/>).</summary>
public enum ScimColumnCase
{
    /// <summary>The column holds the value as sent; the literal is compared as-is (for <c>caseExact</c> attributes).</summary>
    Exact,

    /// <summary>
    /// The column holds <c>ToLowerInvariant()</c> of the value (e.g. <c>UsernameNormalized</c>); the builder lowers
    /// the literal, so a case-insensitive attribute compares case-insensitively and still uses the column's index.
    /// </summary>
    LowerInvariant,
}

/// <summary>
/// Translates a bound filter AST into <c>Expression&lt;Func&lt;T, bool&gt;&gt;</c> with System.Linq.Expressions only,
/// for a query provider (EF Core) to turn into parameterised SQL. Contract:
/// <list type="bullet">
/// <item>The caller maps each filterable attribute path (canonical spelling, as the binder produces:
/// <c>userName</c>, <c>name.familyName</c>, <c>emails.value</c>, <c>meta.lastModified</c>,
/// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber</c>) to a member-access lambda.
/// An attribute without a mapping fails with <see cref="ScimErrorType.InvalidFilter"/>.</item>
/// <item>Case-insensitive strings: map them to a normalized column with <see cref="ScimColumnCase.LowerInvariant"/>;
/// the builder lowers the literal. No <c>ToLower()</c> is ever applied to a column.</item>
/// <item>Literals are never inlined: each one is read from a closure-like holder, which EF Core sends as a
/// SQL parameter (no string-built SQL, security catalogue §5.2).</item>
/// <item>Column types: string, bool, DateTimeOffset, DateTime (compared as UTC), int, long, decimal, Guid, and their
/// nullable forms. A Guid column compared with a value that is not a Guid matches nothing (<c>eq</c>) or
/// everything (<c>ne</c>), so Entra's probes with random ids read "not found" rather than an error.</item>
/// <item>A value path <c>emails[type eq "work"].value eq "x"</c> becomes the conjunction of the mapped
/// sub-attribute columns (<c>emails.type</c>, <c>emails.value</c>): exact when the host keeps at most one
/// element of the multi-valued attribute per row (a column per kind); map <c>emails.type</c> to a constant if
/// every stored address is the work address.</item>
/// </list>
/// </summary>
public sealed class ScimFilterToExpression<T> : IScimFilterVisitor<ScimResult<Expression>>
{
    private readonly Dictionary<string, (LambdaExpression Column, ScimColumnCase Case)> _columns = new(StringComparer.OrdinalIgnoreCase);
    private readonly ParameterExpression _parameter = Expression.Parameter(typeof(T), "r");
    private string? _valuePathPrefix;

    public ScimFilterToExpression<T> Map<TColumn>(string attributePath, Expression<Func<T, TColumn>> column, ScimColumnCase stringCase = ScimColumnCase.Exact)
    {
        _columns[attributePath] = (column, stringCase);
        return this;
    }

    public ScimResult<Expression<Func<T, bool>>> Build(ScimFilterNode filter)
    {
        var body = filter.Accept(this);
        if (!body.IsSuccess) return body.Error!;
        return Expression.Lambda<Func<T, bool>>(body.Value, _parameter);
    }

    public ScimResult<Expression> VisitLogical(ScimLogicalNode node)
    {
        var left = node.Left.Accept(this);
        if (!left.IsSuccess) return left;
        var right = node.Right.Accept(this);
        if (!right.IsSuccess) return right;
        return node.Operator == ScimLogical.And
            ? Expression.AndAlso(left.Value, right.Value)
            : Expression.OrElse(left.Value, right.Value);
    }

    public ScimResult<Expression> VisitNot(ScimNotNode node)
    {
        var inner = node.Inner.Accept(this);
        return inner.IsSuccess ? Expression.Not(inner.Value) : inner;
    }

    public ScimResult<Expression> VisitValuePath(ScimValuePathNode node)
    {
        _valuePathPrefix = node.Path.ToString();
        try
        {
            return node.Filter.Accept(this);
        }
        finally
        {
            _valuePathPrefix = null;
        }
    }

    public ScimResult<Expression> VisitComparison(ScimComparisonNode node)
    {
        var key = _valuePathPrefix is null ? node.Path.ToString() : $"{_valuePathPrefix}.{node.Path.Name}";
        if (!_columns.TryGetValue(key, out var mapping))
            return ScimError.InvalidFilter($"Filtering on '{key}' is not supported");

        var column = new ParameterReplacer(mapping.Column.Parameters[0], _parameter).Visit(mapping.Column.Body);
        var columnType = column.Type;
        var underlying = Nullable.GetUnderlyingType(columnType) ?? columnType;
        var op = node.Operator;
        var value = node.Value;

        if (op == ScimComparison.Pr) return Present(column, columnType);
        if (value is null) return ScimError.InvalidFilter($"'{key}' needs a value");
        if (value.Kind == ScimValueKind.Null)
        {
            if (columnType.IsValueType && Nullable.GetUnderlyingType(columnType) is null)
                return Expression.Constant(op == ScimComparison.Ne);
            var isNull = Expression.Equal(column, Expression.Constant(null, columnType));
            return op == ScimComparison.Eq ? isNull : Expression.Not(isNull);
        }

        if (underlying == typeof(string)) return CompareString(column, op, value, mapping.Case, key);
        if (underlying == typeof(bool))
        {
            if (value.Kind != ScimValueKind.Boolean || op is not (ScimComparison.Eq or ScimComparison.Ne))
                return ScimError.InvalidFilter($"'{key}' only supports eq and ne with true or false");
            return Binary(op, column, Parameter(value.Boolean, columnType));
        }
        if (underlying == typeof(Guid))
        {
            if (op is not (ScimComparison.Eq or ScimComparison.Ne))
                return ScimError.InvalidFilter($"'{key}' only supports eq, ne and pr");
            if (!Guid.TryParse(value.Text, out var guid)) return Expression.Constant(op == ScimComparison.Ne);
            return Binary(op, column, Parameter(guid, columnType));
        }
        if (op is ScimComparison.Co or ScimComparison.Sw or ScimComparison.Ew)
            return ScimError.InvalidFilter($"'{key}' does not support co, sw or ew");

        if (underlying == typeof(DateTimeOffset) || underlying == typeof(DateTime))
        {
            if (value.Kind != ScimValueKind.DateTime && !ScimDateTime.TryParse(value.Text, out _))
                return ScimError.InvalidFilter($"'{value.Text}' is not a valid dateTime");
            var instant = value.Kind == ScimValueKind.DateTime ? value.DateTime : ParseDate(value.Text);
            object boxed = underlying == typeof(DateTime) ? (object)instant.UtcDateTime : instant;
            return Binary(op, column, Parameter(boxed, columnType));
        }
        if (underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(decimal) || underlying == typeof(double))
        {
            if (value.Kind != ScimValueKind.Number) return ScimError.InvalidFilter($"'{key}' needs a number");
            object converted;
            try
            {
                converted = Convert.ChangeType(value.Number, underlying, CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                return ScimError.InvalidFilter($"The number {value.Text} is out of range for '{key}'");
            }
            return Binary(op, column, Parameter(converted, columnType));
        }
        return ScimError.InvalidFilter($"Filtering on '{key}' is not supported");
    }

    private static ScimResult<Expression> CompareString(Expression column, ScimComparison op, ScimFilterValue value, ScimColumnCase columnCase, string key)
    {
        if (value.Kind == ScimValueKind.Boolean) return ScimError.InvalidFilter($"'{key}' needs a string");
        var text = columnCase == ScimColumnCase.LowerInvariant ? value.Text.ToLowerInvariant() : value.Text;
        var literal = Parameter(text, typeof(string));
        var notNull = Expression.NotEqual(column, Expression.Constant(null, typeof(string)));
        switch (op)
        {
            case ScimComparison.Eq: return Expression.Equal(column, literal);
            case ScimComparison.Ne: return Expression.NotEqual(column, literal);
            case ScimComparison.Co: return Expression.AndAlso(notNull, Expression.Call(column, StringContains, literal));
            case ScimComparison.Sw: return Expression.AndAlso(notNull, Expression.Call(column, StringStartsWith, literal));
            case ScimComparison.Ew: return Expression.AndAlso(notNull, Expression.Call(column, StringEndsWith, literal));
            default:
                // string.Compare(a, b) is what EF Core translates to <, <=, >, >= on text.
                var compare = Expression.Call(StringCompare, column, literal);
                return Expression.AndAlso(notNull, Binary(op, compare, Expression.Constant(0)));
        }
    }

    private static Expression Present(Expression column, Type columnType)
    {
        if (columnType == typeof(string))
        {
            return Expression.AndAlso(
                Expression.NotEqual(column, Expression.Constant(null, typeof(string))),
                Expression.NotEqual(column, Expression.Constant("")));
        }
        if (!columnType.IsValueType || Nullable.GetUnderlyingType(columnType) is not null)
            return Expression.NotEqual(column, Expression.Constant(null, columnType));
        return Expression.Constant(true);
    }

    private static Expression Binary(ScimComparison op, Expression left, Expression right) => op switch
    {
        ScimComparison.Eq => Expression.Equal(left, right),
        ScimComparison.Ne => Expression.NotEqual(left, right),
        ScimComparison.Gt => Expression.GreaterThan(left, right),
        ScimComparison.Ge => Expression.GreaterThanOrEqual(left, right),
        ScimComparison.Lt => Expression.LessThan(left, right),
        ScimComparison.Le => Expression.LessThanOrEqual(left, right),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a binary comparison."),
    };

    /// <summary>A literal read through a holder's property: query providers parameterise it instead of inlining it.</summary>
    private static Expression Parameter(object value, Type columnType)
    {
        var holderType = typeof(ScimValueHolder<>).MakeGenericType(value.GetType());
        var holder = Activator.CreateInstance(holderType, value)!;
        Expression read = Expression.Property(Expression.Constant(holder), "Value");
        return read.Type == columnType ? read : Expression.Convert(read, columnType);
    }

    private static DateTimeOffset ParseDate(string text) => ScimDateTime.TryParse(text, out var instant) ? instant : default;

    private static readonly MethodInfo StringContains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StringStartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly MethodInfo StringEndsWith = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!;
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    private sealed class ParameterReplacer(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}

/// <summary>Holds one filter literal so that expression trees read it as a member (a SQL parameter in EF Core).</summary>
internal sealed class ScimValueHolder<TValue>(TValue value)
{
    public TValue Value { get; } = value;
}
