using System.Globalization;
using System.Text.Json.Nodes;

namespace Gatehouse.Scim;

/// <summary>A normalized page request: 1-based <see cref="StartIndex"/>, <see cref="Count"/> already clamped.</summary>
public readonly record struct ScimPage(int StartIndex, int Count)
{
    /// <summary>Rows to skip (the 0-based offset of <see cref="StartIndex"/>).</summary>
    public int Skip => StartIndex - 1;

    /// <summary>
    /// totalResults without a COUNT when the page itself proves it: a page shorter than asked for is the last one, so
    /// the total is the offset plus its rows — unless it is empty past the start, where the total may be smaller than
    /// the offset. Null means "count the rows". An IdP's lookup by filter (one match, or none) never needs the COUNT.
    /// </summary>
    public int? TotalFromPage(int rowsReturned) =>
        Count > 0 && rowsReturned < Count && (rowsReturned > 0 || Skip == 0) ? Skip + rowsReturned : null;
}

/// <summary>RFC 7644 §3.4.2.4 pagination.</summary>
public static class ScimPaging
{
    /// <summary>
    /// §3.4.2.4: a <c>startIndex</c> below 1 is read as 1; a negative <c>count</c> as 0 (a count-only answer);
    /// an absent count is <paramref name="defaultCount"/>; any count is clamped to <paramref name="maxCount"/>,
    /// the <c>filter.maxResults</c> advertised in ServiceProviderConfig.
    /// </summary>
    public static ScimPage Normalize(long? startIndex, long? count, int defaultCount, int maxCount)
    {
        var start = startIndex is null or < 1 ? 1 : startIndex.Value > int.MaxValue ? int.MaxValue : (int)startIndex.Value;
        var requested = count ?? defaultCount;
        var clamped = requested < 0 ? 0 : requested > maxCount ? maxCount : (int)requested;
        return new ScimPage(start, clamped);
    }

    /// <summary>
    /// Normalizes the raw query-string values. A value that is not an integer fails with invalidValue rather
    /// than silently becoming the default.
    /// </summary>
    public static ScimResult<ScimPage> Parse(string? startIndex, string? count, int defaultCount, int maxCount)
    {
        long? start = null, size = null;
        if (!string.IsNullOrWhiteSpace(startIndex))
        {
            if (!long.TryParse(startIndex.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s))
                return ScimError.InvalidValue("startIndex must be an integer.");
            start = s;
        }
        if (!string.IsNullOrWhiteSpace(count))
        {
            if (!long.TryParse(count.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c))
                return ScimError.InvalidValue("count must be an integer.");
            size = c;
        }
        return Normalize(start, size, defaultCount, maxCount);
    }
}

/// <summary>The RFC 7644 §3.4.2 ListResponse body.</summary>
public static class ScimListResponse
{
    public const string ListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

    /// <summary>
    /// <c>totalResults</c> counts every match; <c>itemsPerPage</c> is the number actually returned; numbers are
    /// JSON integers, never strings (Okta rejects strings).
    /// </summary>
    public static JsonObject Create(IEnumerable<JsonNode> resources, int totalResults, int startIndex)
    {
        var items = new JsonArray();
        foreach (var resource in resources) items.Add(resource.Parent is null ? resource : resource.DeepClone());
        return new JsonObject
        {
            ["schemas"] = new JsonArray(ListResponseSchema),
            ["totalResults"] = totalResults,
            ["startIndex"] = startIndex,
            ["itemsPerPage"] = items.Count,
            ["Resources"] = items,
        };
    }

    public static JsonObject Create(IEnumerable<JsonNode> resources, int totalResults, ScimPage page) =>
        Create(resources, totalResults, page.StartIndex);
}
