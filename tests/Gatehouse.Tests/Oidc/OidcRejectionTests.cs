using System.Net;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Oidc.OidcTestData;

namespace Gatehouse.Tests.Oidc;

/// <summary>
/// Every ID-token and authorization-response attack of catalogue §3, produced by the rogue provider
/// (tests/idp-oidc/rogue.mjs), each beside a positive control: the same flow with a correct token is accepted.
/// </summary>
[Collection(OidcCollection.Name)]
public sealed class OidcRejectionTests(OidcFixture f)
{
    private GatehouseServer Server => f.Server;

    /// <summary>The positive control: a fresh site whose provider gets a correct token signs in.</summary>
    private async Task AssertControlAcceptedAsync(object? extra = null)
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok", extra: extra);
        using var browser = site.Anonymous();
        AssertAccepted(await SignInAsync(browser, id), "(positive control)");
    }

    [Theory]
    [InlineData("wrong-iss", "id_token_issuer_mismatch")]
    [InlineData("wrong-aud", "id_token_audience_mismatch")]
    [InlineData("multi-aud-no-azp", "id_token_azp_mismatch")]
    [InlineData("multi-aud-wrong-azp", "id_token_azp_mismatch")]
    [InlineData("expired", "id_token_expired")]
    [InlineData("not-yet", "id_token_not_yet_valid")]
    [InlineData("wrong-nonce", "id_token_nonce_mismatch")]
    [InlineData("no-iat", "id_token_missing_claim")]
    [InlineData("no-sub", "id_token_missing_claim")]
    [InlineData("alg-none", "id_token_algorithm_not_allowed")]
    [InlineData("hs256-confusion", "id_token_algorithm_not_allowed")]
    [InlineData("unknown-kid", "id_token_unknown_key")]
    [InlineData("header-jwk", "id_token_unknown_key")]
    [InlineData("header-jwk-known-kid", "id_token_bad_signature")]   // the published kid, but the attacker's key in jwk: never used
    [InlineData("mixup", "iss_mismatch")]
    [InlineData("no-iss", "iss_missing")]
    [InlineData("userinfo-bad-sub", "userinfo_sub_mismatch")]
    public async Task Callback_HostileResponse_IsRefusedAndAudited(string scenario, string reason)
    {
        await AssertControlAcceptedAsync();
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, scenario);
        using var browser = site.Anonymous();

        var response = await SignInAsync(browser, id);

        await AssertRefusedAsync(response);
        var e = await LastEventAsync(Server, site, id);
        Assert.Equal("failure", e.Status);
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public async Task Callback_HeaderKeyInjection_NeverFetchesTheAttackersJku()
    {
        using var rogue = f.Rogue.Client();
        var before = await (await rogue.GetAsync("_hits")).Json();
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "header-jwk");
        using var browser = site.Anonymous();

        await AssertRefusedAsync(await SignInAsync(browser, id));

        var after = await (await rogue.GetAsync("_hits")).Json();
        Assert.Equal((int?)before["/attacker-jwks"] ?? 0, (int?)after["/attacker-jwks"] ?? 0);
        Assert.Equal((int?)before["/attacker-x5u"] ?? 0, (int?)after["/attacker-x5u"] ?? 0);
    }

    [Theory]
    [InlineData("userinfo")]   // identity claim only in userinfo
    [InlineData("no-kid")]     // no kid, one key in the JWKS (OIDF rp-id_token-kid-absent-single-jwks)
    [InlineData("multi-aud-azp")]  // several audiences with azp = our client_id (OIDC Core §3.1.3.7 steps 4-5)
    public async Task Callback_AcceptableVariant_SignsIn(string scenario)
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, scenario);
        using var browser = site.Anonymous();

        AssertAccepted(await SignInAsync(browser, id));
    }

    [Fact]
    public async Task Callback_KeyRotatedAtIdp_RefetchesJwksOnce_ThenRateLimits()
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "rotated");
        using var browser = site.Anonymous();
        using var rogue = f.Rogue.Client();
        var authorization = await StartAsync(browser, id);  // discovery + JWKS cached now (key-1 only, unless rotated earlier)
        await rogue.PostAsync("_rotate", null);
        var jwksBefore = (int)(await (await rogue.GetAsync("_hits")).Json())["/jwks"]!;

        AssertAccepted(await CallbackAsync(browser, await AuthorizeAsync(authorization)), "after one JWKS re-fetch");

        var jwksAfter = (int)(await (await rogue.GetAsync("_hits")).Json())["/jwks"]!;
        Assert.True(jwksAfter - jwksBefore <= 1, $"JWKS fetched {jwksAfter - jwksBefore} times");
    }

    [Fact]
    public async Task Callback_UnknownKidRepeated_RefetchesJwksAtMostOncePerInterval()
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "unknown-kid");
        using var browser = site.Anonymous();
        using var rogue = f.Rogue.Client();
        await StartAsync(browser, id);
        var before = (int)(await (await rogue.GetAsync("_hits")).Json())["/jwks"]!;

        for (var i = 0; i < 3; i++) await AssertRefusedAsync(await SignInAsync(browser, id));

        var after = (int)(await (await rogue.GetAsync("_hits")).Json())["/jwks"]!;
        Assert.Equal(1, after - before);
    }

    [Fact]
    public async Task Callback_IdpError_ShowsEncodedDescription()
    {
        await AssertControlAcceptedAsync();
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "error");
        using var browser = site.Anonymous();

        var body = await AssertRefusedAsync(await SignInAsync(browser, id), 400);

        Assert.Contains("access_denied", body);
        Assert.Contains("The user said no", body);
        Assert.Contains("&lt;script&gt;", body);
        Assert.DoesNotContain("<script>alert", body);
        Assert.Equal("idp_error", (await LastEventAsync(Server, site, id)).Reason);
    }

    [Fact]
    public async Task Callback_WrongClientSecret_ClearMessageForUser_DetailForAdmin()
    {
        await AssertControlAcceptedAsync();
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok", secret: "wrong-secret");
        using var browser = site.Anonymous();

        var body = await AssertRefusedAsync(await SignInAsync(browser, id), 502);

        Assert.Contains("did not accept", body);
        Assert.DoesNotContain("wrong-secret", body);
        var e = await LastEventAsync(Server, site, id);
        Assert.Equal("token_client_auth_failed", e.Reason);
        Assert.Contains("client ID or secret", e.Message);
        Assert.Contains("invalid_client", e.Body);
        Assert.DoesNotContain("wrong-secret", e.Body + e.Message);
    }

    [Fact]
    public async Task ClientAuth_ClientSecretPost_IsUsedWhenConfigured()
    {
        var site = await Server.CreateSiteAsync();
        var (basic, _) = await RogueProviderAsync(f, site, "post-only", withUser: false);
        var site2 = await Server.CreateSiteAsync();
        var (post, _) = await RogueProviderAsync(f, site2, "post-only", extra: new { oidc_client_auth_method = "client_secret_post" });
        using var b1 = site.Anonymous();
        using var b2 = site2.Anonymous();

        await AssertRefusedAsync(await SignInAsync(b1, basic));
        AssertAccepted(await SignInAsync(b2, post));
    }

    [Fact]
    public async Task FormPost_CrossSitePostWithoutAntiforgery_SignsIn()
    {
        var site = await Server.CreateSiteAsync();
        var (id, _) = await RogueProviderAsync(f, site, "ok", extra: new { oidc_response_mode = "form_post" });
        using var browser = site.Anonymous();
        var authorization = await StartAsync(browser, id);
        Assert.Contains("response_mode=form_post", authorization.Query);

        var response = await AuthorizeAsync(authorization);

        Assert.NotNull(response.Form);
        AssertAccepted(await CallbackAsync(browser, response));
    }

    [Fact]
    public async Task AuthorizationRequest_HasPkceS256_NonceAndOpaqueState()
    {
        var site = await Server.CreateSiteAsync();
        var (id, clientId) = await RogueProviderAsync(f, site, "ok");
        using var browser = site.Anonymous();

        var url = await StartAsync(browser, id);

        var q = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query);
        Assert.Equal("code", q["response_type"]);
        Assert.Equal(clientId, q["client_id"]);
        Assert.Equal("S256", q["code_challenge_method"]);
        Assert.Equal(43, q["code_challenge"].ToString().Length);
        Assert.True(q["nonce"].ToString().Length >= 43);
        Assert.True(q["state"].ToString().Length is >= 32 and <= 64);
        Assert.Contains("openid", q["scope"].ToString().Split(' '));
        Assert.Equal($"{site.BaseUrl}/oidc/{id}/callback", q["redirect_uri"]);
        Assert.False(q.ContainsKey("response_mode"));
    }
}
