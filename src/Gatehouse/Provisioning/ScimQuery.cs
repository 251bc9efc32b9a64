using System.Linq.Expressions;
using System.Text.Json.Nodes;
using Gatehouse.Scim;

namespace Gatehouse.Provisioning;

/// <summary>Shared pieces of the list endpoints: filter → LINQ, paging, <c>attributes</c>/<c>excludedAttributes</c>.</summary>
public static class ScimQuery
{
    /// <summary>
    /// Parses, binds and translates a filter. Our ids are integers: an <c>id</c> literal that is not one (Entra's
    /// random-GUID probes) becomes -1, which no row has, so <c>eq</c> finds nothing and <c>ne</c> everything.
    /// </summary>
    public static ScimResult<Expression<Func<T, bool>>?> Where<T>(string? filter, ScimResourceType type, ScimFilterToExpression<T> columns)
    {
        if (filter is null) return (Expression<Func<T, bool>>?)null;
        var bound = ScimFilter.Parse(filter, type);
        if (!bound.IsSuccess) return bound.Error!;
        var built = columns.Build(RewriteIds(bound.Value));
        if (!built.IsSuccess) return built.Error!;
        return built.Value;
    }

    private static ScimFilterNode RewriteIds(ScimFilterNode node) => node switch
    {
        ScimLogicalNode l => l with { Left = RewriteIds(l.Left), Right = RewriteIds(l.Right) },
        ScimNotNode n => n with { Inner = RewriteIds(n.Inner) },
        ScimComparisonNode c when c.Path.SchemaUrn is null && c.Path.SubAttribute is null
                                  && string.Equals(c.Path.Name, "id", StringComparison.OrdinalIgnoreCase)
                                  && c.Value is { Kind: ScimValueKind.String } v =>
            c with { Value = ScimIds.Parse(v.Text) is { } id ? ScimFilterValue.Num(id, v.Text) : ScimFilterValue.Num(-1, "-1") },
        _ => node,
    };

    /// <summary>RFC 7644 §3.4.2.5: <c>attributes</c> keeps only the named ones (plus <c>schemas</c> and <c>id</c>, returned always); <c>excludedAttributes</c> drops them.</summary>
    public static JsonObject Project(JsonObject resource, string? attributes, string? excluded)
    {
        if (!string.IsNullOrWhiteSpace(attributes))
        {
            var keep = Tops(attributes);
            foreach (var key in resource.Select(kv => kv.Key).ToList())
            {
                if (key is "schemas" or "id") continue;
                if (!keep.Contains(key)) resource.Remove(key);
            }
        }
        if (!string.IsNullOrWhiteSpace(excluded))
        {
            foreach (var path in excluded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var attribute = path.StartsWith("urn:", StringComparison.OrdinalIgnoreCase) ? path[(path.LastIndexOf(':') + 1)..] : path;
                var dot = attribute.IndexOf('.');
                var top = dot < 0 ? attribute : attribute[..dot];
                var key = resource.Select(kv => kv.Key).FirstOrDefault(k => string.Equals(k, top, StringComparison.OrdinalIgnoreCase));
                if (key is null || key is "schemas" or "id") continue;
                if (dot < 0) resource.Remove(key);
                else if (resource[key] is JsonObject sub && sub.Select(kv => kv.Key).FirstOrDefault(k => string.Equals(k, attribute[(dot + 1)..], StringComparison.OrdinalIgnoreCase)) is { } subKey)
                    sub.Remove(subKey);
            }
        }
        return resource;
    }

    public static bool Excludes(string? excluded, string attribute) =>
        excluded is not null && excluded.Split(',', StringSplitOptions.TrimEntries).Any(a => string.Equals(a, attribute, StringComparison.OrdinalIgnoreCase));

    private static HashSet<string> Tops(string list)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var p = path;
            if (p.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
            {
                // A whole extension, or one attribute of it: keep the extension object.
                var schema = GatehouseScimSchemas.ResourceTypes.SelectMany(t => t.AllSchemas()).FirstOrDefault(s => p.StartsWith(s.Id, StringComparison.OrdinalIgnoreCase));
                if (schema is not null)
                {
                    set.Add(schema.Id);
                    if (p.Length > schema.Id.Length + 1) set.Add(p[(schema.Id.Length + 1)..].Split('.')[0]);
                    continue;
                }
            }
            set.Add(p.Split('.')[0]);
        }
        return set;
    }
}
