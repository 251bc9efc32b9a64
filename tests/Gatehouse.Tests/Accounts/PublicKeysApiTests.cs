using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Accounts.AccountsTestData;

namespace Gatehouse.Tests.Accounts;

[Collection(ServerCollection.Name)]
public sealed class PublicKeysApiTests(GatehouseServer server)
{
    [Fact]
    public async Task Create_Ed25519_ReturnsFingerprints()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var line = Ed25519Line();
        var blob = Convert.FromBase64String(line.Split(' ')[1]);

        var response = await admin.PostJson(Rest + "/public_keys", new { title = "laptop", public_key = line });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = await response.Json();
        Assert.Equal("laptop", (string?)key["title"]);
        Assert.Equal("valid", (string?)key["status"]);
        Assert.Equal("admin", (string?)key["username"]);
        Assert.Equal(site.AdminUserId, (long)key["user_id"]!);
        Assert.Equal(string.Join(':', System.Security.Cryptography.MD5.HashData(blob).Select(b => b.ToString("x2"))), (string?)key["fingerprint"]);
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(blob)).TrimEnd('='), (string?)key["fingerprint_sha256"]);
    }

    [Fact]
    public async Task Create_EcdsaAndRsa2048_AreAccepted()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();

        var ec = await admin.PostJson(Rest + "/public_keys", new { title = "ec", public_key = EcdsaP256Line() });
        var rsa = await admin.PostJson(Rest + "/public_keys", new { title = "rsa", public_key = RsaLine(2048) });

        Assert.Equal(HttpStatusCode.Created, ec.StatusCode);
        Assert.Equal(HttpStatusCode.Created, rsa.StatusCode);
    }

    [Theory]
    [InlineData("rsa1024", "at least 2048")]
    [InlineData("ssh-ed25519 !!!notbase64", "base64")]
    [InlineData("ssh-dss AAAAB3NzaC1kc3MAAAA=", "unsupported")]
    [InlineData("just-one-word", "OpenSSH format")]
    public async Task Create_BadKey_Is422NamingTheProblem(string line, string problem)
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        if (line == "rsa1024") line = RsaLine(1024);

        var response = await admin.PostJson(Rest + "/public_keys", new { title = "bad", public_key = line });

        var error = await response.AssertError(422, "processing-failure/");
        var messages = error["model-errors"]!["public_key"]!.AsArray().Select(m => (string)m!).ToList();
        Assert.Contains(messages, m => m.Contains(problem));
        Assert.Empty((await (await admin.GetAsync(Rest + "/public_keys")).Json()).AsArray());
    }

    [Fact]
    public async Task Create_MissingTitleAndKey_Is422ForBoth()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();

        var response = await admin.PostJson(Rest + "/public_keys", new { });

        var error = await response.AssertError(422, "processing-failure/");
        Assert.NotNull(error["model-errors"]!["title"]);
        Assert.NotNull(error["model-errors"]!["public_key"]);
    }

    [Fact]
    public async Task Create_SameKeyTwiceOnSite_Is422()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var userId = await CreateUserAsync(admin, "other");
        var line = Ed25519Line();
        await admin.PostJson(Rest + "/public_keys", new { title = "first", public_key = line });

        var response = await admin.PostJson($"{Rest}/users/{userId}/public_keys", new { title = "again", public_key = line });

        var error = await response.AssertError(422, "processing-failure/");
        Assert.Contains("already", error["model-errors"]!["public_key"]![0]!.ToString());
    }

    [Fact]
    public async Task Update_ChangesTitleOnly()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var created = await (await admin.PostJson(Rest + "/public_keys", new { title = "old", public_key = Ed25519Line() })).Json();

        var updated = await (await admin.PatchJson($"{Rest}/public_keys/{created["id"]}", new { title = "new", fingerprint = "forged" })).Json();

        Assert.Equal("new", (string?)updated["title"]);
        Assert.Equal((string?)created["fingerprint"], (string?)updated["fingerprint"]);
    }

    [Fact]
    public async Task Delete_RemovesKey()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var created = await (await admin.PostJson(Rest + "/public_keys", new { title = "gone", public_key = Ed25519Line() })).Json();

        var delete = await admin.DeleteAsync($"{Rest}/public_keys/{created["id"]}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await (await admin.GetAsync($"{Rest}/public_keys/{created["id"]}")).AssertError(404, "not-found/public-key-not-found");
    }

    [Fact]
    public async Task NonAdmin_ManagesOwnKeys_ButNotOthers()
    {
        var site = await server.CreateSiteAsync();
        using var admin = site.AdminApi();
        var adminKey = await (await admin.PostJson(Rest + "/public_keys", new { title = "admin", public_key = Ed25519Line() })).Json();
        var (userId, user) = await PlainUserAsync(site);
        using var _ = user;

        var own = await user.PostJson(Rest + "/public_keys", new { title = "mine", public_key = Ed25519Line() });
        var list = (await (await user.GetAsync(Rest + "/public_keys")).Json()).AsArray();
        var othersList = await user.GetAsync($"{Rest}/users/{site.AdminUserId}/public_keys");
        var forOther = await user.PostJson(Rest + "/public_keys", new { title = "x", public_key = Ed25519Line(), user_id = site.AdminUserId });
        var othersKey = await user.DeleteAsync($"{Rest}/public_keys/{adminKey["id"]}");

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(userId, (long)Assert.Single(list)!["user_id"]!);
        await othersList.AssertError(403, "not-authorized/site-admin-required");
        await forOther.AssertError(403, "not-authorized/site-admin-required");
        await othersKey.AssertError(404, "not-found/");
    }
}
