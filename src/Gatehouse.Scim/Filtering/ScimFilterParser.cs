using System.Globalization;
using System.Text;

namespace Gatehouse.Scim;

/// <summary>
/// Recursive-descent parser for RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths. Precedence is
/// <c>not</c> &gt; <c>and</c> &gt; <c>or</c>; operators, keywords and attribute names are case-insensitive.
/// It only checks syntax: bind the result with <see cref="ScimFilterBinder"/> to check attributes and types.
/// Never throws for bad input; every failure is <see cref="ScimErrorType.InvalidFilter"/> with a position.
/// </summary>
public sealed class ScimFilterParser
{
    private readonly string _text;
    private readonly ScimFilterLimits _limits;
    private int _pos;
    private int _clauses;
    private ScimError? _error;

    private ScimFilterParser(string text, ScimFilterLimits limits)
    {
        _text = text;
        _limits = limits;
    }

    /// <summary>Parses a filter expression (the <c>filter</c> query parameter or <c>/.search</c> body member).</summary>
    public static ScimResult<ScimFilterNode> Parse(string? filter, ScimFilterLimits? limits = null)
    {
        limits ??= ScimFilterLimits.Default;
        if (string.IsNullOrWhiteSpace(filter)) return ScimError.InvalidFilter("The filter is empty");
        // Checked before scanning: a 1 MB filter costs nothing.
        if (filter.Length > limits.MaxLength)
            return ScimError.InvalidFilter($"The filter is longer than {limits.MaxLength} characters");

        var parser = new ScimFilterParser(filter, limits);
        var node = parser.ParseOr(0);
        if (node is null) return parser._error!;
        parser.SkipWhitespace();
        if (!parser.AtEnd)
            return ScimError.InvalidFilter($"Unexpected '{parser.Current}'", parser._pos);
        return node;
    }

    /// <summary>
    /// Parses a PATCH <c>path</c> (RFC 7644 §3.5.2 <c>PATH = attrPath / valuePath [subAttr]</c>), such as
    /// <c>name.familyName</c>, <c>members[value eq "2819c223"]</c>, <c>emails[type eq "work"].value</c> or
    /// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager</c>.
    /// </summary>
    public static ScimResult<ScimPatchPath> ParsePatchPath(string? path, ScimFilterLimits? limits = null)
    {
        limits ??= ScimFilterLimits.Default;
        if (string.IsNullOrWhiteSpace(path)) return ScimError.InvalidPath("The path is empty.");
        if (path.Length > limits.MaxLength) return ScimError.InvalidPath($"The path is longer than {limits.MaxLength} characters.");

        var parser = new ScimFilterParser(path.Trim(), limits);
        var token = parser.ReadAttributeToken();
        var attribute = AttributePath.TryParse(token);
        if (attribute is null) return ScimError.InvalidPath($"'{path}' is not a valid attribute path.");

        ScimFilterNode? filter = null;
        string? sub = null;
        if (!parser.AtEnd && parser.Current == '[')
        {
            if (attribute.SubAttribute is not null)
                return ScimError.InvalidPath($"'{path}' puts a filter after a sub-attribute.");
            parser._pos++;
            filter = parser.ParseOr(1);
            if (filter is null) return parser._error!;
            parser.SkipWhitespace();
            if (parser.AtEnd || parser.Current != ']') return ScimError.InvalidPath($"'{path}' is missing ']'.");
            parser._pos++;
            if (!parser.AtEnd && parser.Current == '.')
            {
                parser._pos++;
                sub = parser.ReadAttributeToken();
                if (!AttributePath.IsAttributeName(sub)) return ScimError.InvalidPath($"'{path}' has an invalid sub-attribute.");
            }
        }
        if (!parser.AtEnd) return ScimError.InvalidPath($"Unexpected '{parser.Current}' in path '{path}' at position {parser._pos}.");
        return new ScimPatchPath(attribute, filter, sub);
    }

    private bool AtEnd => _pos >= _text.Length;
    private char Current => _text[_pos];

    private ScimFilterNode? Fail(string detail, int position)
    {
        _error ??= ScimError.InvalidFilter(detail, position);
        return null;
    }

    // FILTER = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"   (RFC 7644 Figure 1)
    private ScimFilterNode? ParseOr(int depth)
    {
        var left = ParseAnd(depth);
        if (left is null) return null;
        while (TryKeyword("or"))
        {
            var right = ParseAnd(depth);
            if (right is null) return null;
            left = new ScimLogicalNode(ScimLogical.Or, left, right);
        }
        return left;
    }

    private ScimFilterNode? ParseAnd(int depth)
    {
        var left = ParseUnary(depth);
        if (left is null) return null;
        while (TryKeyword("and"))
        {
            var right = ParseUnary(depth);
            if (right is null) return null;
            left = new ScimLogicalNode(ScimLogical.And, left, right);
        }
        return left;
    }

    private ScimFilterNode? ParseUnary(int depth)
    {
        SkipWhitespace();
        if (AtEnd) return Fail("The filter ends where an expression was expected", _pos);

        var start = _pos;
        if (TryKeyword("not"))
        {
            if (depth + 1 > _limits.MaxDepth) return Fail($"The filter is nested deeper than {_limits.MaxDepth} levels", start);
            var inner = ParseUnary(depth + 1);
            return inner is null ? null : new ScimNotNode(inner);
        }
        if (Current == '(')
        {
            // Depth is checked before recursing: ((((…)))) × 10 000 fails at the 11th parenthesis.
            if (depth + 1 > _limits.MaxDepth) return Fail($"The filter is nested deeper than {_limits.MaxDepth} levels", start);
            _pos++;
            var inner = ParseOr(depth + 1);
            if (inner is null) return null;
            SkipWhitespace();
            if (AtEnd || Current != ')') return Fail("Missing ')'", _pos);
            _pos++;
            return inner;
        }
        return ParseAttributeExpression(depth);
    }

    private ScimFilterNode? ParseAttributeExpression(int depth)
    {
        var start = _pos;
        var token = ReadAttributeToken();
        if (token.Length == 0) return Fail($"Expected an attribute name but found '{Current}'", start);
        var path = AttributePath.TryParse(token);
        if (path is null) return Fail($"'{token}' is not a valid attribute name", start);

        if (!AtEnd && Current == '[')
        {
            if (depth + 1 > _limits.MaxDepth) return Fail($"The filter is nested deeper than {_limits.MaxDepth} levels", _pos);
            if (path.SubAttribute is not null) return Fail("A value filter cannot follow a sub-attribute", _pos);
            _pos++;
            var inner = ParseOr(depth + 1);
            if (inner is null) return null;
            if (ContainsValuePath(inner)) return Fail("Value filters cannot be nested", start);
            SkipWhitespace();
            if (AtEnd || Current != ']') return Fail("Missing ']'", _pos);
            _pos++;
            if (!AtEnd && Current == '.')
            {
                // emails[type eq "work"].value eq "x"  ==  emails[type eq "work" and value eq "x"]
                _pos++;
                var subStart = _pos;
                var sub = ReadAttributeToken();
                if (!AttributePath.IsAttributeName(sub)) return Fail($"'{sub}' is not a valid sub-attribute name", subStart);
                var comparison = ParseComparison(new AttributePath(null, sub));
                if (comparison is null) return null;
                inner = new ScimLogicalNode(ScimLogical.And, inner, comparison);
            }
            return new ScimValuePathNode(path, inner);
        }
        return ParseComparison(path);
    }

    private ScimFilterNode? ParseComparison(AttributePath path)
    {
        if (++_clauses > _limits.MaxClauses) return Fail($"The filter has more than {_limits.MaxClauses} clauses", _pos);
        SkipWhitespace();
        var opStart = _pos;
        var word = ReadWord();
        if (word.Length == 0)
            return Fail(AtEnd ? $"Expected an operator after '{path}'" : $"Expected an operator after '{path}' but found '{Current}'", opStart);
        if (!TryParseOperator(word, out var op)) return Fail($"Unknown operator '{word}'", opStart);
        if (op == ScimComparison.Pr) return new ScimComparisonNode(path, op, null);

        SkipWhitespace();
        var value = ReadValue();
        if (value is null) return null;
        return new ScimComparisonNode(path, op, value);
    }

    private static bool TryParseOperator(string word, out ScimComparison op)
    {
        op = word.ToLowerInvariant() switch
        {
            "eq" => ScimComparison.Eq, "ne" => ScimComparison.Ne, "co" => ScimComparison.Co,
            "sw" => ScimComparison.Sw, "ew" => ScimComparison.Ew, "pr" => ScimComparison.Pr,
            "gt" => ScimComparison.Gt, "ge" => ScimComparison.Ge, "lt" => ScimComparison.Lt,
            "le" => ScimComparison.Le, _ => (ScimComparison)(-1),
        };
        return (int)op >= 0;
    }

    // compValue = false / null / true / number / string   (+ Entra's unquoted tokens)
    private ScimFilterValue? ReadValue()
    {
        var start = _pos;
        if (AtEnd) { Fail("Expected a value", start); return null; }
        if (Current == '"') return ReadQuotedString();

        while (!AtEnd && !char.IsWhiteSpace(Current) && Current is not ('(' or ')' or '[' or ']')) _pos++;
        var token = _text[start.._pos];
        if (token.Length == 0) { Fail($"Expected a value but found '{Current}'", start); return null; }

        switch (token.ToLowerInvariant())
        {
            case "true": return ScimFilterValue.Bool(true);
            case "false": return ScimFilterValue.Bool(false);
            case "null": return ScimFilterValue.Null;
            case "and" or "or" or "not":
                Fail($"Expected a value but found the keyword '{token}'", start);
                return null;
        }
        if (IsJsonNumber(token))
        {
            if (decimal.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                return ScimFilterValue.Num(number, token);
            Fail($"The number '{token}' is out of range", start);
            return null;
        }
        // Entra sends unquoted GUIDs (externalId eq 5d48a0a8-e3ea-…): accepted as strings of a safe alphabet.
        foreach (var c in token)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or '@' or '+' or ':'))
            {
                Fail($"'{token}' is not a valid value; quote strings with '\"'", start);
                return null;
            }
        }
        return ScimFilterValue.String(token, unquoted: true);
    }

    private ScimFilterValue? ReadQuotedString()
    {
        var start = _pos;
        _pos++; // opening quote
        var builder = new StringBuilder();
        while (!AtEnd)
        {
            var c = Current;
            if (c == '"')
            {
                _pos++;
                return ScimFilterValue.String(builder.ToString());
            }
            if (c == '\\')
            {
                if (_pos + 1 >= _text.Length) break;
                var escape = _text[_pos + 1];
                switch (escape)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        if (_pos + 6 > _text.Length
                            || !ushort.TryParse(_text.AsSpan(_pos + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                        {
                            Fail("Invalid \\u escape in string", _pos);
                            return null;
                        }
                        builder.Append((char)code);
                        _pos += 4;
                        break;
                    default:
                        Fail($"Invalid escape '\\{escape}' in string", _pos);
                        return null;
                }
                _pos += 2;
                continue;
            }
            if (char.IsControl(c))
            {
                Fail("Control character in string", _pos);
                return null;
            }
            builder.Append(c);
            _pos++;
        }
        Fail("Unterminated string", start);
        return null;
    }

    private static bool IsJsonNumber(string token)
    {
        // number = [ "-" ] int [ frac ] [ exp ]   (RFC 8259 §6)
        var i = 0;
        if (i < token.Length && token[i] == '-') i++;
        if (i >= token.Length || !char.IsAsciiDigit(token[i])) return false;
        if (token[i] == '0') i++;
        else while (i < token.Length && char.IsAsciiDigit(token[i])) i++;
        if (i < token.Length && token[i] == '.')
        {
            i++;
            if (i >= token.Length || !char.IsAsciiDigit(token[i])) return false;
            while (i < token.Length && char.IsAsciiDigit(token[i])) i++;
        }
        if (i < token.Length && token[i] is 'e' or 'E')
        {
            i++;
            if (i < token.Length && token[i] is '+' or '-') i++;
            if (i >= token.Length || !char.IsAsciiDigit(token[i])) return false;
            while (i < token.Length && char.IsAsciiDigit(token[i])) i++;
        }
        return i == token.Length;
    }

    /// <summary>Reads <c>[urn:…:]name[.sub]</c> characters; stops at whitespace, brackets, parentheses, quotes.</summary>
    private string ReadAttributeToken()
    {
        var start = _pos;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current is '-' or '_' or ':' or '.' or '$')) _pos++;
        return _text[start.._pos];
    }

    private string ReadWord()
    {
        var start = _pos;
        while (!AtEnd && char.IsAsciiLetter(Current)) _pos++;
        return _text[start.._pos];
    }

    /// <summary>Consumes a keyword when it stands alone (followed by whitespace or '(').</summary>
    private bool TryKeyword(string keyword)
    {
        SkipWhitespace();
        if (_pos + keyword.Length > _text.Length) return false;
        if (!_text.AsSpan(_pos, keyword.Length).Equals(keyword, StringComparison.OrdinalIgnoreCase)) return false;
        var after = _pos + keyword.Length;
        if (after < _text.Length && !char.IsWhiteSpace(_text[after]) && _text[after] != '(') return false;
        if (after >= _text.Length) return false;
        _pos = after;
        return true;
    }

    private void SkipWhitespace()
    {
        while (!AtEnd && char.IsWhiteSpace(Current)) _pos++;
    }

    private static bool ContainsValuePath(ScimFilterNode node) => node switch
    {
        ScimValuePathNode => true,
        ScimLogicalNode l => ContainsValuePath(l.Left) || ContainsValuePath(l.Right),
        ScimNotNode n => ContainsValuePath(n.Inner),
        _ => false,
    };
}
