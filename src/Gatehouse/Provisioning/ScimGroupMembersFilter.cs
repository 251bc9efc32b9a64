using System.Linq.Expressions;
using Gatehouse.Scim;

namespace Gatehouse.Provisioning;

/// <summary>
/// <c>members.value</c> (and <c>members[value eq "id"]</c>) is multi-valued, so it has no column for
/// <see cref="ScimFilterToExpression{T}"/>. It is mapped to the <see cref="Member"/> marker and the built predicate
/// is rewritten: <c>Member(r) == "42"</c> becomes <c>r.G.Members.Any(m => m.UserId == 42)</c>. Anything else on
/// members (co, sw, gt…) is refused as invalidFilter rather than reaching the database.
/// </summary>
public static class ScimGroupMembersFilter
{
    /// <summary>Never executed: only its appearance in an expression tree matters.</summary>
    public static string Member(ScimGroupRow row) => throw new InvalidOperationException("Marker for members.value; rewrite the expression first.");

    public static ScimResult<Expression<Func<ScimGroupRow, bool>>?> Rewrite(Expression<Func<ScimGroupRow, bool>>? predicate)
    {
        if (predicate is null) return predicate;
        var rewriter = new Rewriter();
        var body = rewriter.Visit(predicate.Body);
        if (rewriter.Unsupported) return ScimError.InvalidFilter("members.value supports only eq, ne and pr");
        return Expression.Lambda<Func<ScimGroupRow, bool>>(body, predicate.Parameters);
    }

    private sealed class Rewriter : ExpressionVisitor
    {
        public bool Unsupported { get; private set; }

        protected override Expression VisitBinary(BinaryExpression node)
        {
            if (node.NodeType is ExpressionType.Equal or ExpressionType.NotEqual && IsMarker(node.Left, out var row))
            {
                var value = Evaluate(node.Right);
                Expression any;
                if (value is null or "")
                {
                    // "members pr" is built as Member(r) != null && Member(r) != "": both halves mean "has members".
                    any = AnyMember(row, null);
                    return node.NodeType == ExpressionType.NotEqual ? any : Expression.Not(any);
                }
                any = AnyMember(row, ScimIds.Parse(value) ?? -1);
                return node.NodeType == ExpressionType.Equal ? any : Expression.Not(any);
            }
            return base.VisitBinary(node);
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (IsMarker(node, out _)) Unsupported = true;
            return base.VisitMethodCall(node);
        }

        private static bool IsMarker(Expression e, out Expression row)
        {
            if (e is MethodCallExpression call && call.Method.DeclaringType == typeof(ScimGroupMembersFilter) && call.Method.Name == nameof(Member))
            {
                row = call.Arguments[0];
                return true;
            }
            row = null!;
            return false;
        }

        private static string? Evaluate(Expression e) =>
            e is ConstantExpression c ? c.Value as string : Expression.Lambda<Func<string?>>(Expression.Convert(e, typeof(string))).Compile(preferInterpretation: true)();

        private static Expression AnyMember(Expression row, long? userId)
        {
            Expression<Func<ScimGroupRow, bool>> template = userId is { } id
                ? r => r.G.Members.Any(m => m.UserId == id)
                : r => r.G.Members.Any();
            return new Replace(template.Parameters[0], row).Visit(template.Body);
        }
    }

    private sealed class Replace(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
