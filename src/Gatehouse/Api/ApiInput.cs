using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Api;

/// <summary>
/// The parameters of one API request: the JSON body (POST/PATCH/DELETE, as the Files.com SDKs send it)
/// merged over the query string. Typed getters record a model error per bad field instead of throwing,
/// so a request is validated whole and answered with every problem at once.
/// </summary>
public sealed class ApiInput
{
    public const int MaxBodyBytes = 1024 * 1024;
    private readonly Dictionary<string, JsonNode?> _values = new(StringComparer.Ordinal);
    public Dictionary<string, List<string>> Errors { get; } = new(StringComparer.Ordinal);
    public bool IsValid => Errors.Count == 0;

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>
    /// An HTML form posted by an admin page, read with the API's field names and rules. For repeated names
    /// (a hidden "false" before a checkbox) the last value wins.
    /// </summary>
    public static ApiInput FromForm(IFormCollection form, params string[] ignore)
    {
        var input = new ApiInput();
        foreach (var (k, v) in form)
            if (k != "__RequestVerificationToken" && !ignore.Contains(k))
                input._values[k] = JsonValue.Create(v.Count > 0 ? v[^1] : "");
        return input;
    }

    public static async Task<(ApiInput? Input, IResult? Error)> ReadAsync(HttpContext http)
    {
        var input = new ApiInput();
        foreach (var (k, v) in http.Request.Query)
            input._values[k] = JsonValue.Create(v.ToString());

        if (http.Request.ContentLength is > MaxBodyBytes)
            return (null, ApiErrors.Result(413, "bad-request/request-too-large", "Request Too Large", "The request body is larger than 1 MB."));
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) return (input, null);

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
                return (null, ApiErrors.Result(413, "bad-request/request-too-large", "Request Too Large", "The request body is larger than 1 MB."));
        }
        if (buffer.Length == 0) return (input, null);

        var contentType = http.Request.ContentType ?? "";
        if (!contentType.Contains("json", StringComparison.OrdinalIgnoreCase) && contentType.Length > 0)
            return (null, ApiErrors.Result(415, "bad-request/unsupported-media-type", "Unsupported Media Type", "Send the request body as application/json."));
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            return (null, ApiErrors.Result(400, "bad-request/invalid-body", "Invalid Body", $"The request body is not valid JSON: {e.Message.Split('.')[0]}."));
        }
        if (root is not JsonObject obj)
            return (null, ApiErrors.Result(400, "bad-request/invalid-body", "Invalid Body", "The request body must be a JSON object."));
        foreach (var (k, v) in obj) input._values[k] = v;
        return (input, null);
    }

    public void AddError(string field, string message)
    {
        if (!Errors.TryGetValue(field, out var list)) Errors[field] = list = [];
        list.Add(message);
    }

    public string Summary() =>
        string.Join(" ", Errors.SelectMany(e => e.Value.Select(m => $"{Humanize(e.Key)} {m}."))).Trim();

    private static string Humanize(string field) => char.ToUpperInvariant(field[0]) + field[1..].Replace('_', ' ');

    /// <summary>A string field; absent → null; JSON null → "" when <paramref name="nullAsEmpty"/>.</summary>
    public string? String(string name, int maxLength = 256, bool required = false, bool nullAsEmpty = true)
    {
        if (!_values.TryGetValue(name, out var node) || node is null)
        {
            if (required) AddError(name, "is required");
            return node is null && _values.ContainsKey(name) && nullAsEmpty ? "" : null;
        }
        if (node is not JsonValue v || !v.TryGetValue<string>(out var s))
        {
            if (node is JsonValue num && (num.TryGetValue<long>(out _) || num.TryGetValue<double>(out _)))
                s = num.ToJsonString();
            else { AddError(name, "must be a string"); return null; }
        }
        if (s.Length > maxLength) { AddError(name, $"must be at most {maxLength} characters"); return null; }
        if (s.Contains('\0')) { AddError(name, "must not contain NUL characters"); return null; }
        if (required && string.IsNullOrWhiteSpace(s)) { AddError(name, "is required"); return null; }
        return s;
    }

    public bool? Bool(string name)
    {
        if (!_values.TryGetValue(name, out var node) || node is null) return null;
        if (node is JsonValue v)
        {
            if (v.TryGetValue<bool>(out var b)) return b;
            if (v.TryGetValue<string>(out var s))
                switch (s.Trim().ToLowerInvariant())
                {
                    case "true" or "1" or "yes": return true;
                    case "false" or "0" or "no" or "": return false;
                }
            if (v.TryGetValue<long>(out var n) && n is 0 or 1) return n == 1;
        }
        AddError(name, "must be true or false");
        return null;
    }

    public long? Long(string name, long min = 1, long max = long.MaxValue)
    {
        if (!_values.TryGetValue(name, out var node) || node is null) return null;
        long value;
        if (node is JsonValue v && (v.TryGetValue<long>(out value) || v.TryGetValue<string>(out var s) && long.TryParse(s, out value)))
        {
            if (value < min || value > max) { AddError(name, $"must be between {min} and {max}"); return null; }
            return value;
        }
        AddError(name, "must be a whole number");
        return null;
    }

    public DateTime? Time(string name)
    {
        var s = String(name, 64);
        if (string.IsNullOrEmpty(s)) return null;
        if (DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var t)) return t.UtcDateTime;
        AddError(name, "must be an ISO-8601 date and time");
        return null;
    }

    public string? Enum(string name, IReadOnlyCollection<string> allowed)
    {
        var s = String(name, 64);
        if (s is null) return null;
        if (allowed.Contains(s)) return s;
        AddError(name, $"must be one of: {string.Join(", ", allowed)}");
        return null;
    }

    public List<long>? LongList(string name)
    {
        if (!_values.TryGetValue(name, out var node) || node is null) return null;
        var result = new List<long>();
        IEnumerable<string> parts;
        if (node is JsonArray arr)
        {
            var items = new List<string>();
            foreach (var item in arr)
            {
                if (item is JsonValue iv && iv.TryGetValue<long>(out var n)) items.Add(n.ToString());
                else if (item is JsonValue sv && sv.TryGetValue<string>(out var str)) items.Add(str);
                else { AddError(name, "must be a list of ids"); return null; }
            }
            parts = items;
        }
        else if (node is JsonValue v && v.TryGetValue<string>(out var s)) parts = s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        else if (node is JsonValue v2 && v2.TryGetValue<long>(out var single)) parts = [single.ToString()];
        else { AddError(name, "must be a comma-separated list of ids"); return null; }
        foreach (var p in parts)
        {
            if (!long.TryParse(p, out var id) || id < 1) { AddError(name, "must contain only positive ids"); return null; }
            result.Add(id);
        }
        if (result.Count > 10_000) { AddError(name, "has too many ids"); return null; }
        return result.Distinct().ToList();
    }
}
