using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Accounts;

/// <summary>Arranging helpers for the account resources: users with their own API key, and OpenSSH key lines.</summary>
public static class AccountsTestData
{
    public const string Rest = HttpExtensions.Api;
    public const string Password = "User-Pass-0123-x";

    public static async Task<long> CreateUserAsync(HttpClient admin, string username, bool siteAdmin = false)
    {
        var response = await admin.PostJson(Rest + "/users", new { username, password = Password, site_admin = siteAdmin });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (long)(await response.Json())["id"]!;
    }

    /// <summary>A non-admin user of the site and a client authenticated with an API key of their own.</summary>
    public static async Task<(long UserId, HttpClient Client)> PlainUserAsync(TestSite site, string username = "plain")
    {
        using var admin = site.AdminApi();
        var userId = await CreateUserAsync(admin, username);
        var key = await CreateKeyAsync(admin, new { user_id = userId, name = "own" });
        var client = site.Anonymous(cookies: false);
        client.DefaultRequestHeaders.Add("X-FilesAPI-Key", key);
        return (userId, client);
    }

    /// <summary>Creates an API key and returns the key (shown once).</summary>
    public static async Task<string> CreateKeyAsync(HttpClient client, object body, string path = Rest + "/api_keys")
    {
        var response = await client.PostJson(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.Json())["key"]!;
    }

    public static string Ed25519Line(string comment = "test@gatehouse") =>
        Line("ssh-ed25519", Blob("ssh-ed25519", RandomNumberGenerator.GetBytes(32)), comment);

    public static string EcdsaP256Line()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(false);
        return Line("ecdsa-sha2-nistp256", Blob("ecdsa-sha2-nistp256", Encoding.ASCII.GetBytes("nistp256"), [0x04, .. p.Q.X!, .. p.Q.Y!]), "ec");
    }

    public static string RsaLine(int bits)
    {
        using var rsa = RSA.Create(bits);
        var p = rsa.ExportParameters(false);
        return Line("ssh-rsa", Blob("ssh-rsa", Mpint(p.Exponent!), Mpint(p.Modulus!)), "rsa");
    }

    private static string Line(string type, byte[] blob, string comment) => $"{type} {Convert.ToBase64String(blob)} {comment}";

    private static byte[] Blob(string type, params byte[][] fields)
    {
        var all = new List<byte[]> { Encoding.ASCII.GetBytes(type) };
        all.AddRange(fields);
        var result = new List<byte>();
        foreach (var f in all)
        {
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(len, (uint)f.Length);
            result.AddRange(len);
            result.AddRange(f);
        }
        return [.. result];
    }

    private static byte[] Mpint(byte[] unsigned) => unsigned[0] >= 0x80 ? [0, .. unsigned] : unsigned;
}
