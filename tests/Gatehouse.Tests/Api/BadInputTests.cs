using System.Text;
using System.Text.Json;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Tests.Accounts.AccountsTestData;

namespace Gatehouse.Tests.Api;

/// <summary>
/// Malformed requests to every API endpoint: each must be a 4xx in the Files.com error shape (never a 500,
/// never a stack trace), and none may leave anything half-written. Tables per resource; placeholders
/// <c>{user}</c>, <c>{group}</c>, <c>{gu}</c>, <c>{key}</c>, <c>{ssh}</c>, <c>{event}</c> are real ids of the site.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BadInputTests(GatehouseServer server)
{
    private static readonly string Huge = JsonSerializer.Serialize(new string('a', 100_000));

    /// <summary>Bodies no write endpoint may accept.</summary>
    private static readonly string[] MalformedBodies = ["{", "{\"a\":", "[]", "[{\"name\":\"x\"}]", "\"text\"", "42", "null", "{\"a\":1}}"];

    private static readonly string[] BadIds = ["abc", "-1", "0", "99999999999999999999", "1.5", "%20"];

    private static readonly string[] BadPaging = ["per_page=0", "per_page=10001", "per_page=-1", "per_page=abc", "cursor=bogus", "cursor=YWZ0ZXI6LTE"];

    private static IEnumerable<(string Method, string Path, string? Body)> Writes(params (string Method, string Path)[] endpoints) =>
        endpoints.SelectMany(e => MalformedBodies.Select(b => (e.Method, e.Path, (string?)b)));

    private static IEnumerable<(string Method, string Path, string? Body)> Ids(string method, string pathWithId, string? body = null) =>
        BadIds.Select(id => (method, pathWithId.Replace("{id}", id), body));

    private static IEnumerable<(string Method, string Path, string? Body)> Paging(string path) =>
        BadPaging.Select(p => ("GET", $"{path}{(path.Contains('?') ? '&' : '?')}{p}", (string?)null));

    [Fact]
    public async Task Users_BadInput_Is4xxAndWritesNothing() => await RunAsync(
    [
        .. Writes(("POST", "/users"), ("PATCH", "/users/{user}"), ("DELETE", "/users/{user}"), ("POST", "/users/{user}/unlock")),
        ("POST", "/users", "{\"username\":{}}"),
        ("POST", "/users", "{\"username\":[\"a\"]}"),
        ("POST", "/users", "{\"username\":\"x1\",\"site_admin\":\"maybe\"}"),
        ("POST", "/users", "{\"username\":\"x2\",\"disabled\":{}}"),
        ("POST", "/users", "{\"username\":\"x3\",\"authentication_method\":\"bogus\"}"),
        ("POST", "/users", "{\"username\":\"x4\",\"authentication_method\":\"sso\"}"),
        ("POST", "/users", "{\"username\":\"x5\",\"sso_strategy_id\":\"abc\"}"),
        ("POST", "/users", "{\"username\":\"x6\",\"group_ids\":{\"a\":1}}"),
        ("POST", "/users", "{\"username\":\"x7\",\"group_ids\":\"1,abc\"}"),
        ("POST", "/users", "{\"username\":\"x8\",\"email\":\"not-an-email\"}"),
        ("POST", "/users", $"{{\"username\":{Huge}}}"),
        ("POST", "/users", "{\"username\":\"x9\",\"password\":\"short\"}"),
        ("POST", "/users", "{}"),
        ("PATCH", "/users/{user}", "{\"name\":{}}"),
        ("PATCH", "/users/{user}", "{\"site_admin\":\"maybe\"}"),
        ("PATCH", "/users/{user}", $"{{\"name\":{Huge}}}"),
        .. Ids("GET", "/users/{id}"), .. Ids("PATCH", "/users/{id}", "{\"name\":\"x\"}"), .. Ids("DELETE", "/users/{id}"), .. Ids("POST", "/users/{id}/unlock"),
        ("PATCH", "/users/", "{\"name\":\"x\"}"),
        ("DELETE", "/users/", null),
        .. Paging("/users"),
        ("GET", "/users?filter[site_admin]=maybe", null),
    ]);

    [Fact]
    public async Task Groups_BadInput_Is4xxAndWritesNothing() => await RunAsync(
    [
        .. Writes(("POST", "/groups"), ("PATCH", "/groups/{group}"), ("DELETE", "/groups/{group}")),
        ("POST", "/groups", "{\"name\":{}}"),
        ("POST", "/groups", "{}"),
        ("POST", "/groups", "{\"name\":\"   \"}"),
        ("POST", "/groups", $"{{\"name\":{Huge}}}"),
        ("POST", "/groups", "{\"name\":\"g1\",\"user_ids\":{}}"),
        ("POST", "/groups", "{\"name\":\"g2\",\"user_ids\":\"a,b\"}"),
        ("POST", "/groups", "{\"name\":\"g3\",\"user_ids\":\"-1\"}"),
        ("POST", "/groups", "{\"name\":\"g4\",\"user_ids\":[{}]}"),
        ("POST", "/groups", "{\"name\":\"g5\",\"admin_ids\":\"999999\"}"),
        ("POST", "/groups", "{\"name\":\"g6\",\"notes\":{}}"),
        ("POST", "/groups", "{\"name\":\"existing\"}"),
        ("PATCH", "/groups/{group}", "{\"name\":\"\"}"),
        ("PATCH", "/groups/{group}", "{\"user_ids\":true}"),
        .. Ids("GET", "/groups/{id}"), .. Ids("PATCH", "/groups/{id}", "{\"name\":\"x\"}"), .. Ids("DELETE", "/groups/{id}"),
        ("PATCH", "/groups/", "{\"name\":\"x\"}"),
        ("DELETE", "/groups/", null),
        .. Paging("/groups"),
        ("GET", "/groups?ids=a,b", null),
    ]);

    [Fact]
    public async Task GroupUsers_BadInput_Is4xxAndWritesNothing() => await RunAsync(
    [
        .. Writes(("POST", "/group_users"), ("PATCH", "/group_users/{gu}"), ("DELETE", "/group_users/{gu}"), ("DELETE", "/group_users")),
        ("POST", "/group_users", "{}"),
        ("POST", "/group_users", "{\"group_id\":\"abc\",\"user_id\":{user}}"),
        ("POST", "/group_users", "{\"group_id\":{group},\"user_id\":{}}"),
        ("POST", "/group_users", "{\"group_id\":-1,\"user_id\":0}"),
        ("POST", "/group_users", "{\"group_id\":{group},\"user_id\":{user},\"admin\":\"maybe\"}"),
        ("POST", "/group_users", "{\"group_id\":{group},\"user_id\":{user}}"),
        ("PATCH", "/group_users/{gu}", "{\"admin\":\"maybe\"}"),
        ("PATCH", "/group_users/{gu}", "{\"admin\":{}}"),
        ("DELETE", "/group_users", "{}"),
        ("DELETE", "/group_users", "{\"group_id\":\"x\",\"user_id\":1}"),
        ("DELETE", "/group_users", null),
        .. Ids("GET", "/group_users/{id}"), .. Ids("PATCH", "/group_users/{id}", "{\"admin\":true}"), .. Ids("DELETE", "/group_users/{id}"),
        .. Paging("/group_users"),
        ("GET", "/group_users?group_id=abc", null),
        ("GET", "/group_users?user_id=-1", null),
    ]);

    [Fact]
    public async Task ApiKeys_BadInput_Is4xxAndWritesNothing() => await RunAsync(
    [
        .. Writes(("POST", "/api_keys"), ("PATCH", "/api_keys/{key}"), ("DELETE", "/api_keys/{key}"), ("POST", "/users/{user}/api_keys"),
            ("PATCH", "/api_key"), ("DELETE", "/api_key")),
        ("POST", "/api_keys", "{}"),
        ("POST", "/api_keys", "{\"name\":{}}"),
        ("POST", "/api_keys", $"{{\"name\":{Huge}}}"),
        ("POST", "/api_keys", "{\"name\":\"k\",\"permission_set\":\"x\"}"),
        ("POST", "/api_keys", "{\"name\":\"k\",\"permission_set\":[\"full\"]}"),
        ("POST", "/api_keys", "{\"name\":\"k\",\"expires_at\":\"yesterday\"}"),
        ("POST", "/api_keys", "{\"name\":\"k\",\"expires_at\":\"2000-01-01T00:00:00Z\"}"),
        ("POST", "/api_keys", "{\"name\":\"k\",\"user_id\":\"abc\"}"),
        ("POST", "/api_keys", "{\"name\":\"k\",\"user_id\":-5}"),
        ("POST", "/api_keys", "{\"name\":\"k\",\"user_id\":999999}"),
        ("POST", "/api_keys", $"{{\"name\":\"k\",\"description\":{Huge}}}"),
        ("PATCH", "/api_keys/{key}", "{\"name\":\"\"}"),
        ("PATCH", "/api_keys/{key}", "{\"expires_at\":{}}"),
        ("PATCH", "/api_key", "{\"name\":{}}"),
        .. Ids("GET", "/api_keys/{id}"), .. Ids("PATCH", "/api_keys/{id}", "{\"name\":\"x\"}"), .. Ids("DELETE", "/api_keys/{id}"),
        .. Ids("GET", "/users/{id}/api_keys"), .. Ids("POST", "/users/{id}/api_keys", "{\"name\":\"x\"}"),
        ("DELETE", "/api_keys/", null),
        .. Paging("/api_keys"), .. Paging("/users/{user}/api_keys"),
        ("GET", "/api_keys?user_id=abc", null),
    ]);

    [Fact]
    public async Task PublicKeys_BadInput_Is4xxAndWritesNothing() => await RunAsync(
    [
        .. Writes(("POST", "/public_keys"), ("PATCH", "/public_keys/{ssh}"), ("DELETE", "/public_keys/{ssh}"), ("POST", "/users/{user}/public_keys")),
        ("POST", "/public_keys", "{}"),
        ("POST", "/public_keys", "{\"title\":\"t\",\"public_key\":{}}"),
        ("POST", "/public_keys", "{\"title\":\"t\",\"public_key\":\"ssh-ed25519 AAAA\"}"),
        ("POST", "/public_keys", "{\"title\":\"t\",\"public_key\":\"ssh-ed25519 @@@@\"}"),
        ("POST", "/public_keys", $"{{\"title\":\"t\",\"public_key\":{Huge}}}"),
        ("POST", "/public_keys", $"{{\"title\":{Huge},\"public_key\":\"x\"}}"),
        ("POST", "/public_keys", "{\"title\":\"t\",\"generate_keypair\":true}"),
        ("POST", "/public_keys", "{\"title\":\"dup\",\"public_key\":\"{sshline}\"}"),
        ("PATCH", "/public_keys/{ssh}", "{\"title\":{}}"),
        ("PATCH", "/public_keys/{ssh}", "{\"title\":\"\"}"),
        .. Ids("GET", "/public_keys/{id}"), .. Ids("PATCH", "/public_keys/{id}", "{\"title\":\"x\"}"), .. Ids("DELETE", "/public_keys/{id}"),
        .. Ids("GET", "/users/{id}/public_keys"),
        .. Paging("/public_keys"),
    ]);

    [Fact]
    public async Task SessionsMeAndEvents_BadInput_Is4xxAndWritesNothing() => await RunAsync(
    [
        .. Writes(("POST", "/sessions"), ("DELETE", "/sessions"), ("DELETE", "/users/{user}/sessions"), ("DELETE", "/users/{user}/sessions/1")),
        ("POST", "/sessions", "{}"),
        ("POST", "/sessions", "{\"username\":{},\"password\":\"x\"}"),
        ("POST", "/sessions", "{\"username\":\"admin\",\"password\":[]}"),
        ("POST", "/sessions", $"{{\"username\":{Huge},\"password\":\"x\"}}"),
        ("POST", "/me", "{}"),
        ("PATCH", "/me", "{"),
        .. Ids("GET", "/users/{id}/sessions"), .. Ids("DELETE", "/users/{id}/sessions"), .. Ids("DELETE", "/users/{user}/sessions/{id}"),
        .. Ids("GET", "/sso_events/{id}"),
        .. Paging("/sso_events"),
        ("GET", "/sso_events?filter[status]=bogus", null),
        ("GET", "/sso_events?filter[user_id]=abc", null),
        ("GET", "/sso_events?filter[user_id]={}", null),
        ("GET", $"/sso_events?filter[username]={new string('a', 5000)}", null),
    ]);

    [Fact]
    public async Task AnyEndpoint_OversizedOrNonJsonBody_Is4xx() => await RunAsync(
    [
        ("POST", "/users", "{\"username\":\"" + new string('a', 2 * 1024 * 1024) + "\"}"),
        ("POST", "/groups", "name=x"),
        ("POST", "/api_keys", "\uFEFF{not json"),
    ], contentType: "text/plain");

    [Fact]
    public async Task AnyEndpoint_BadCredentials_Is401()
    {
        var site = await server.CreateSiteAsync();
        using var client = site.Anonymous(cookies: false);
        client.DefaultRequestHeaders.Add("X-FilesAPI-Key", new string('k', 5000));

        foreach (var path in new[] { "/me", "/users", "/groups", "/group_users", "/api_keys", "/api_key", "/public_keys", "/sso_events" })
            await (await client.GetAsync(Rest + path)).AssertError(401, "not-authenticated/");
    }

    /// <summary>Sends every case as the site admin, collects every case that is not a proper 4xx, then checks nothing changed.</summary>
    private async Task RunAsync((string Method, string Path, string? Body)[] cases, string contentType = "application/json")
    {
        // Arrange: one of each resource, and a snapshot of the site's data.
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var user = await CreateUserAsync(admin, "victim");
        var group = (long)(await (await admin.PostJson(Rest + "/groups", new { name = "existing", user_ids = $"{user}" })).Json())["id"]!;
        var gu = (long)(await (await admin.GetAsync($"{Rest}/group_users?group_id={group}")).Json())[0]!["id"]!;
        var key = (long)(await (await admin.PostJson(Rest + "/api_keys", new { name = "existing" })).Json())["id"]!;
        var sshLine = Ed25519Line();
        var ssh = (long)(await (await admin.PostJson(Rest + "/public_keys", new { title = "existing", public_key = sshLine })).Json())["id"]!;
        var ev = (long)(await (await admin.GetAsync(Rest + "/sso_events?per_page=1")).Json())[0]!["id"]!;
        string Fill(string s) => s.Replace("{user}", $"{user}").Replace("{group}", $"{group}").Replace("{gu}", $"{gu}")
            .Replace("{key}", $"{key}").Replace("{ssh}", $"{ssh}").Replace("{event}", $"{ev}").Replace("{sshline}", sshLine);
        var before = await SnapshotAsync(site);

        // Act
        var failures = new List<string>();
        foreach (var (method, path, body) in cases)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), Rest + Fill(path));
            if (body is not null) request.Content = new StringContent(Fill(body), Encoding.UTF8, contentType);
            var response = await admin.SendAsync(request);
            var label = $"{method} {path} {Shorten(body)} → {(int)response.StatusCode}";
            try
            {
                if ((int)response.StatusCode is < 400 or >= 500) { failures.Add(label + ": " + Shorten(await response.Content.ReadAsStringAsync())); continue; }
                await response.AssertError((int)response.StatusCode);
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or JsonException or InvalidOperationException or NullReferenceException)
            {
                failures.Add(label + ": " + e.Message.Split('\n')[0]);
            }
        }

        // Assert
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Length} cases were not a proper 4xx:\n" + string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(site));
    }

    /// <summary>Every row an endpoint could write, as comparable text.</summary>
    private async Task<string> SnapshotAsync(TestSite site)
    {
        await using var scope = server.SiteScope(site.Id, out var db);
        var users = await db.Users.OrderBy(u => u.Id).Select(u => $"{u.Id}:{u.Username}:{u.Name}:{u.Email}:{u.SiteAdmin}:{u.Disabled}:{u.AuthenticationMethod}:{u.PasswordHash}").ToListAsync();
        var groups = await db.Groups.OrderBy(g => g.Id).Select(g => $"{g.Id}:{g.Name}:{g.Notes}").ToListAsync();
        var members = await db.GroupUsers.OrderBy(m => m.Id).Select(m => $"{m.Id}:{m.GroupId}:{m.UserId}:{m.Admin}").ToListAsync();
        var keys = await db.ApiKeys.OrderBy(k => k.Id).Select(k => $"{k.Id}:{k.Name}:{k.Description}:{k.ExpiresAt}:{k.PermissionSet}").ToListAsync();
        var ssh = await db.PublicKeys.OrderBy(k => k.Id).Select(k => $"{k.Id}:{k.Title}").ToListAsync();
        var sessions = await db.Sessions.OrderBy(s => s.Id).Select(s => $"{s.Id}:{s.RevokedAt}").ToListAsync();
        return string.Join("\n", users.Concat(groups).Concat(members).Concat(keys).Concat(ssh).Concat(sessions));
    }

    private static string Shorten(string? s) => s is null ? "" : s.Length > 80 ? s[..80] + "…" : s;
}
