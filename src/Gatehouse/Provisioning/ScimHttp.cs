using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Scim;

namespace Gatehouse.Provisioning;

/// <summary>Process-wide SCIM settings (<c>Gatehouse:Scim</c>).</summary>
public sealed class ScimOptions
{
    public const string Section = "Gatehouse:Scim";

    /// <summary>Request bodies above this answer 413 (security catalogue §5.3).</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
    /// <summary>filter.maxResults: <c>count</c> is clamped to it.</summary>
    public int MaxResults { get; set; } = 200;
    public int DefaultCount { get; set; } = 100;
    /// <summary>How long SCIM request logs are kept.</summary>
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromDays(30);
    /// <summary>Largest request/response body kept in a log row (characters).</summary>
    public int MaxLoggedBody { get; set; } = 64 * 1024;
    public ScimCircuitBreakerOptions CircuitBreaker { get; set; } = new();
}

public sealed class ScimCircuitBreakerOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Share of the provider's users that may be deactivated within <see cref="Window"/> before the breaker trips.</summary>
    public double MaxShare { get; set; } = 0.2;
    /// <summary>Deactivations always allowed within a window, however small the provider.</summary>
    public int MinimumCount { get; set; } = 5;
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
    /// <summary>What an approval allows: deactivations flow freely for this long.</summary>
    public TimeSpan ApprovalLasts { get; set; } = TimeSpan.FromHours(24);
    /// <summary>The Retry-After sent with a held deactivation (Okta and Entra retry 5xx).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>A SCIM answer: status, optional body (<c>application/scim+json</c>) and headers. Also read by the request log.</summary>
public sealed class ScimResponse(int status, JsonNode? body) : IResult
{
    public int Status { get; } = status;
    public JsonNode? Body { get; } = body;
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static ScimResponse Error(ScimError error) => new(error.Status, error.ToJson());
    public static ScimResponse Ok(JsonNode body, string? etag = null) => new ScimResponse(200, body).WithETag(etag);
    public static ScimResponse NoContent() => new(204, null);

    public ScimResponse WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    private ScimResponse WithETag(string? etag) => etag is null ? this : WithHeader("ETag", etag);

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = Status;
        foreach (var (k, v) in Headers) http.Response.Headers[k] = v;
        if (Body is null) return;
        http.Response.ContentType = ScimJson.MediaType + "; charset=utf-8";
        await http.Response.WriteAsync(Body.ToJsonString(ScimJson.WriteOptions), http.RequestAborted);
    }
}

/// <summary>Reads and checks a SCIM request body: media type, size, JSON syntax (RFC 7644 §3.1, §3.12).</summary>
public static class ScimBody
{
    public const string TextItem = "scim.request_text";

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 32,
        // RFC 7643 §2.1: names are case-insensitive, so {"active":true,"active":false} is ambiguous input.
        AllowDuplicateProperties = false,
    };

    public static async Task<ScimResult<JsonObject>> ReadObjectAsync(HttpContext http, int maxBytes)
    {
        var contentType = http.Request.ContentType;
        if (!string.IsNullOrEmpty(contentType))
        {
            var media = contentType.Split(';')[0].Trim();
            if (!media.Equals(ScimJson.MediaType, StringComparison.OrdinalIgnoreCase)
                && !media.Equals("application/json", StringComparison.OrdinalIgnoreCase))
                return new ScimError(ScimErrorType.InvalidSyntax, $"The body must be {ScimJson.MediaType} or application/json, not {media}.");
        }
        if (http.Request.ContentLength > maxBytes) return TooLarge(maxBytes);

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes) return TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.ToArray();
        http.Items[TextItem] = Encoding.UTF8.GetString(bytes);
        if (bytes.Length == 0) return ScimError.InvalidSyntax("The request has no body; a JSON object is expected.");
        try
        {
            var node = JsonNode.Parse(bytes, documentOptions: DocumentOptions);
            if (node is not JsonObject obj) return ScimError.InvalidSyntax("The body must be a JSON object.");
            return obj;
        }
        catch (JsonException)
        {
            return ScimError.InvalidSyntax("The body is not valid JSON.");
        }
        catch (ArgumentException)
        {
            return ScimError.InvalidSyntax("The body has a member more than once.");
        }
    }

    private static ScimError TooLarge(int maxBytes) =>
        ScimError.PayloadTooLarge($"The request body is larger than {maxBytes} bytes.");
}

/// <summary>Weak entity tags (RFC 7644 §3.14) computed from the resource itself, so any change — also through the REST API — changes it.</summary>
public static class ScimVersion
{
    public static string Of(JsonObject resourceWithoutVersion)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(resourceWithoutVersion.ToJsonString(ScimJson.WriteOptions)));
        return $"W/\"{Convert.ToHexString(hash, 0, 10).ToLowerInvariant()}\"";
    }

    /// <summary>Sets <c>meta.version</c> and returns it.</summary>
    public static string Stamp(JsonObject resource)
    {
        var version = Of(resource);
        if (resource["meta"] is JsonObject meta) meta["version"] = version;
        return version;
    }

    /// <summary>RFC 7232 If-Match: absent or <c>*</c> passes; otherwise one listed tag must equal the current one (weak comparison).</summary>
    public static bool IfMatchPasses(HttpRequest request, string current)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return true;
        var bare = Bare(current);
        return header.Split(',').Any(t => Bare(t.Trim()) == bare);
    }

    private static string Bare(string tag) => (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag).Trim('"');
}

internal static class ScimIds
{
    public static string Format(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static long? Parse(string? id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
}
