using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gatehouse.Tests.Infrastructure;

public static partial class HttpExtensions
{
    public const string Api = "/api/rest/v1";

    public static Task<HttpResponseMessage> PostJson(this HttpClient c, string path, object body) =>
        c.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PatchJson(this HttpClient c, string path, object body) =>
        c.PatchAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> SendRaw(this HttpClient c, HttpMethod method, string path, string body, string contentType = "application/json") =>
        c.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) });

    public static async Task<JsonNode> Json(this HttpResponseMessage r) =>
        JsonNode.Parse(await r.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    /// <summary>Asserts the status and the Files.com error shape, and returns the body.</summary>
    public static async Task<JsonNode> AssertError(this HttpResponseMessage r, int status, string? typePrefix = null)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == status, $"expected {status}, got {(int)r.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!;
        Assert.Equal(status, (int)body["http-code"]!);
        Assert.False(string.IsNullOrEmpty((string?)body["error"]));
        var type = (string)body["type"]!;
        if (typePrefix is not null) Assert.StartsWith(typePrefix, type);
        Assert.DoesNotContain("   at ", text); // no stack trace
        return body;
    }

    /// <summary>Fetches a page and returns its antiforgery token, for posting forms like a browser would.</summary>
    public static async Task<string> AntiforgeryToken(this HttpClient c, string path)
    {
        var html = await c.GetStringAsync(path);
        var m = TokenRegex().Match(html);
        Assert.True(m.Success, $"no antiforgery token on {path}");
        return m.Groups[1].Value;
    }

    public static async Task<HttpResponseMessage> PostForm(this HttpClient c, string path, Dictionary<string, string> fields, string? tokenFrom = null)
    {
        var token = await c.AntiforgeryToken(tokenFrom ?? path);
        fields = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token };
        return await c.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>Signs in through the web form; returns the final response (a redirect on success).</summary>
    public static Task<HttpResponseMessage> SignIn(this HttpClient c, string username, string password, string? returnTo = null)
    {
        var fields = new Dictionary<string, string> { ["username"] = username, ["password"] = password };
        if (returnTo is not null) fields["return_to"] = returnTo;
        return c.PostForm("/login", fields);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();
}
