using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Pages;

/// <summary>Arranging for page tests: signed-in browsers (HttpClient with cookies) and users made through the API.</summary>
public static class PageTestData
{
    public const string UserPassword = "Quiet-Meadow-4821";

    public static async Task<HttpClient> AdminBrowser(this TestSite site)
    {
        var browser = site.Anonymous();
        var response = await browser.SignIn(site.AdminUsername, site.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    /// <summary>Creates a user through the REST API; returns its id.</summary>
    public static async Task<long> CreateUserAsync(this TestSite site, string username, bool siteAdmin = false, string? password = UserPassword, string method = "password")
    {
        using var api = site.AdminApi();
        var body = new Dictionary<string, object?> { ["username"] = username, ["site_admin"] = siteAdmin, ["authentication_method"] = method };
        if (password is not null) body["password"] = password;
        var response = await api.PostJson(HttpExtensions.Api + "/users", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (long)(await response.Json())["id"]!;
    }

    public static async Task<HttpClient> UserBrowser(this TestSite site, string username, string password = UserPassword)
    {
        var browser = site.Anonymous();
        var response = await browser.SignIn(username, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    public static async Task<string> Html(this HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    /// <summary>A syntactically valid OpenSSH ed25519 public key line with random key bytes.</summary>
    public static string Ed25519KeyLine(string comment = "me@laptop")
    {
        var type = Encoding.ASCII.GetBytes("ssh-ed25519");
        var blob = new byte[4 + type.Length + 4 + 32];
        BinaryPrimitives.WriteUInt32BigEndian(blob, (uint)type.Length);
        type.CopyTo(blob, 4);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(4 + type.Length), 32);
        RandomNumberGenerator.Fill(blob.AsSpan(8 + type.Length));
        return $"ssh-ed25519 {Convert.ToBase64String(blob)} {comment}";
    }

    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
