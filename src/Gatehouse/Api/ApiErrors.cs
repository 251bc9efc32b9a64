using System.Text.Json;

namespace Gatehouse.Api;

/// <summary>
/// Files.com's error body: <c>{"error", "http-code", "title", "type", "model-errors"}</c>. Every API failure
/// goes through here, so no stack trace or framework problem-details ever reaches a client.
/// </summary>
public static class ApiErrors
{
    public static IResult Result(int status, string type, string title, string message, IDictionary<string, List<string>>? modelErrors = null) =>
        Microsoft.AspNetCore.Http.Results.Json(Body(status, type, title, message, modelErrors), ApiJson.Options, statusCode: status);

    public static Task Write(HttpContext http, int status, string type, string title, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(Body(status, type, title, message, null), ApiJson.Options);
    }

    private static Dictionary<string, object?> Body(int status, string type, string title, string message, IDictionary<string, List<string>>? modelErrors)
    {
        var body = new Dictionary<string, object?>
        {
            ["error"] = message,
            ["http-code"] = status,
            ["title"] = title,
            ["type"] = type,
        };
        if (modelErrors is { Count: > 0 }) body["model-errors"] = modelErrors;
        return body;
    }

    public static IResult NotFound(string what) =>
        Result(404, $"not-found/{what}-not-found", $"{Titleize(what)} Not Found", $"{Titleize(what)} not found.");

    public static IResult BadRequest(string detail, string message) =>
        Result(400, $"bad-request/{detail}", Titleize(detail.Replace('-', ' ')), message);

    public static IResult Invalid(ApiInput input) =>
        Result(422, "processing-failure/resource-validation-failure", "Resource Validation Failure",
            input.Summary(), input.Errors);

    public static IResult Conflict(string detail, string message) =>
        Result(409, $"processing-failure/{detail}", Titleize(detail.Replace('-', ' ')), message);

    public static IResult SiteAdminRequired() =>
        Result(403, "not-authorized/site-admin-required", "Site Admin Required", "You need to be a site administrator to do this.");

    public static IResult NotAuthorized(string detail, string message) =>
        Result(403, $"not-authorized/{detail}", Titleize(detail.Replace('-', ' ')), message);

    private static string Titleize(string s) =>
        string.Join(' ', s.Replace('_', ' ').Replace('-', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}

public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        MaxDepth = 32,
    };
}
