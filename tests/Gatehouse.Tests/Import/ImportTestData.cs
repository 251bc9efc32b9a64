using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Import;

/// <summary>Arranging imports: CSV text, uploads through the REST API, and waiting for the background run to end.</summary>
internal static class ImportTestData
{
    public const string Imports = HttpExtensions.Api + "/user_imports";
    public const string Header = "username,authentication_method,password,imported_password_hash,email,name,company,group_names,site_admin,ssh_key";
    public const string GoodPassword = "Quiet-Meadow-4821";

    public static string Csv(params string[] rows) => string.Join("\r\n", [Header, .. rows]) + "\r\n";

    public static string Name(string prefix = "u") => prefix + Guid.NewGuid().ToString("N")[..8];

    public static async Task<HttpResponseMessage> UploadAsync(HttpClient api, string csv, bool dryRun = false, bool update = false, bool createGroups = false,
        string fileName = "users.csv", byte[]? raw = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(raw ?? Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        if (dryRun) form.Add(new StringContent("true"), "dry_run");
        if (update) form.Add(new StringContent("true"), "update_existing");
        if (createGroups) form.Add(new StringContent("true"), "create_groups");
        return await api.PostAsync(Imports, form);
    }

    /// <summary>Uploads and waits for the import to finish; returns its final JSON.</summary>
    public static async Task<JsonNode> RunAsync(HttpClient api, string csv, bool dryRun = false, bool update = false, bool createGroups = false, byte[]? raw = null)
    {
        var r = await UploadAsync(api, csv, dryRun, update, createGroups, raw: raw);
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        var created = await r.Json();
        return await WaitAsync(api, (long)created["id"]!);
    }

    public static async Task<JsonNode> WaitAsync(HttpClient api, long id, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var body = await (await api.GetAsync($"{Imports}/{id}")).Json();
            var status = (string)body["status"]!;
            if (status is "completed" or "failed") return body;
            if (DateTime.UtcNow > until) throw new TimeoutException($"import {id} still {status}: {body}");
            await Task.Delay(100);
        }
    }

    public static List<(int? Line, string? Column, string Message)> Errors(JsonNode import) =>
        import["errors"]!.AsArray().Select(e => ((int?)e!["line"], (string?)e["column"], (string)e["message"]!)).ToList();

    /// <summary>Asserts the import failed with an error on this line and column whose message contains the text.</summary>
    public static void AssertError(JsonNode import, int? line, string? column, string contains)
    {
        Assert.Equal("failed", (string)import["status"]!);
        var errors = Errors(import);
        Assert.True(errors.Any(e => e.Line == line && e.Column == column && e.Message.Contains(contains, StringComparison.OrdinalIgnoreCase)),
            $"expected an error at line {line}, {column} containing \"{contains}\"; got:\n{string.Join("\n", errors)}");
    }

    public static async Task<JsonArray> UsersAsync(HttpClient api)
    {
        var r = await api.GetAsync(HttpExtensions.Api + "/users?per_page=10000");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return (await r.Json()).AsArray();
    }
}
