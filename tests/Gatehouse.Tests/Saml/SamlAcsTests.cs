using System.Net;
using System.Text;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Providers.ProviderTestData;
using static Gatehouse.Tests.SamlHost.SamlTestData;

// Not "Gatehouse.Tests.Saml": that namespace would hide ProviderTestData.Saml(...) in the Providers tests.
namespace Gatehouse.Tests.SamlHost;

/// <summary>
/// The ACS at the host level, over HTTP: every attack class is built from a valid response that xml-crypto signed
/// for the live request ID, and each negative has its positive control in the same test.
/// </summary>
[Collection(SamlCollection.Name)]
public sealed class SamlAcsTests(SamlFixture f)
{
    private GatehouseServer Server => f.Server;

    private async Task<(TestSite Site, SamlIdp.Tenant Idp, long Id)> ProviderWithUserAsync(string username = "alice", object? extra = null)
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp, extra: extra);
        await SsoUserAsync(site, username, id);
        return (site, idp, id);
    }

    /// <summary>Positive control used after every negative: a fresh valid response reaches the Authorize page.</summary>
    private static async Task AssertValidSignInReachesAuthorizeAsync(TestSite site, SamlIdp.Tenant idp, long id)
    {
        using var browser = site.Anonymous();
        AssertRedirectTo(await SignInAsync(browser, idp, id), "/sso/authorize", "(positive control)");
    }

    [Fact]
    public async Task Acs_ValidResponse_SignsInAfterAuthorizeOnceThenDirectly()
    {
        var (site, idp, id) = await ProviderWithUserAsync();
        using var browser = site.Anonymous();

        var flow = await StartAsync(browser, idp, id, returnTo: "/account");
        Assert.Equal($"{site.BaseUrl}/saml/{id}/acs", flow.Acs);
        Assert.Equal($"{site.BaseUrl}/saml/{id}/metadata", flow.Audience);
        Assert.NotNull(flow.RelayState);
        Assert.DoesNotContain("/", flow.RelayState); // an opaque handle, never a URL
        var first = await PostAcsAsync(browser, id, await idp.ResponseAsync(flow.RequestId, flow.Acs, flow.Audience), flow.RelayState);
        AssertRedirectTo(first, "/sso/authorize");
        Assert.Null(await MeAsync(browser));
        AssertRedirectTo(await AuthorizeAsync(browser), "/account");
        Assert.Equal("alice", await MeAsync(browser));

        using var again = site.Anonymous();
        AssertRedirectTo(await SignInAsync(again, idp, id), "/");
        Assert.Equal("alice", await MeAsync(again));
    }

    [Fact]
    public async Task Acs_SameResponseTwice_IsRefused()
    {
        var (site, idp, id) = await ProviderWithUserAsync();
        using var browser = site.Anonymous();
        var flow = await StartAsync(browser, idp, id);
        var response = await idp.ResponseAsync(flow.RequestId, flow.Acs, flow.Audience);

        AssertRedirectTo(await PostAcsAsync(browser, id, response, flow.RelayState), "/sso/authorize");
        using var attacker = site.Anonymous();
        var replay = await PostAcsAsync(attacker, id, response, flow.RelayState);

        var e = await EventAsync(Server, site, await AssertRefusedAsync(replay));
        Assert.Equal("saml_unknown_relay_state", e.Reason);
    }

    [Fact]
    public async Task Acs_UnsolicitedResponseTwice_SecondIsRefusedByTheReplayCache()
    {
        var (site, idp, id) = await ProviderWithUserAsync(extra: new { allow_idp_initiated = true });
        var acs = $"{site.BaseUrl}/saml/{id}/acs";
        var response = await idp.ResponseAsync(null, acs, $"{site.BaseUrl}/saml/{id}/metadata");
        using var browser = site.Anonymous();

        var first = await PostAcsAsync(browser, id, response, null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("Continue signing in to", await first.Content.ReadAsStringAsync());
        var second = await PostAcsAsync(browser, id, response, null);

        var e = await EventAsync(Server, site, await AssertRefusedAsync(second));
        Assert.Equal("saml_replay", e.Reason);
        Assert.Equal("replay", (string?)Body(e)["stage"]);
    }

    [Fact]
    public async Task Acs_ResponseToAnotherProvidersRequest_IsRefused()
    {
        var site = await Server.CreateSiteAsync();
        var idpA = f.Idp.NewTenant();
        var idpB = f.Idp.NewTenant();
        var a = await CreateProviderAsync(site, idpA, "IdP A");
        var b = await CreateProviderAsync(site, idpB, "IdP B");
        await SsoUserAsync(site, "alice", b);
        using var browser = site.Anonymous();

        // A flow started for A, answered by B's IdP for B's ACS, posted to B with A's RelayState.
        var flow = await StartAsync(browser, idpA, a);
        var response = await idpB.ResponseAsync(flow.RequestId, $"{site.BaseUrl}/saml/{b}/acs", $"{site.BaseUrl}/saml/{b}/metadata");
        var refused = await PostAcsAsync(browser, b, response, flow.RelayState);

        var e = await EventAsync(Server, site, await AssertRefusedAsync(refused));
        Assert.Equal("saml_wrong_provider", e.Reason);
        await AssertValidSignInReachesAuthorizeAsync(site, idpB, b);
    }

    [Fact]
    public async Task Acs_RelayStateOfAnotherSite_IsRefused()
    {
        var (site, idp, id) = await ProviderWithUserAsync();
        var (other, otherIdp, otherId) = await ProviderWithUserAsync();
        using var browser = site.Anonymous();
        var flow = await StartAsync(browser, idp, id);

        // The other site's IdP answers that request for the other site's ACS; the handle is not the other site's.
        var response = await otherIdp.ResponseAsync(flow.RequestId, $"{other.BaseUrl}/saml/{otherId}/acs", $"{other.BaseUrl}/saml/{otherId}/metadata");
        using var otherBrowser = other.Anonymous();
        var refused = await PostAcsAsync(otherBrowser, otherId, response, flow.RelayState);

        var e = await EventAsync(Server, other, await AssertRefusedAsync(refused));
        Assert.Equal("saml_unknown_relay_state", e.Reason);
        await AssertValidSignInReachesAuthorizeAsync(other, otherIdp, otherId);
    }

    [Fact]
    public async Task Acs_NoRelayState_IsRefusedUnlessIdpInitiatedIsAllowedThenConfirmed()
    {
        var (site, idp, id) = await ProviderWithUserAsync();
        var acs = $"{site.BaseUrl}/saml/{id}/acs";
        var audience = $"{site.BaseUrl}/saml/{id}/metadata";
        using var browser = site.Anonymous();

        var refused = await PostAcsAsync(browser, id, await idp.ResponseAsync(null, acs, audience), null);
        var e = await EventAsync(Server, site, await AssertRefusedAsync(refused));
        Assert.Equal("saml_unsolicited", e.Reason);
        var unknown = await PostAcsAsync(browser, id, await idp.ResponseAsync(null, acs, audience), "made-up-handle");
        Assert.Equal("saml_unknown_relay_state", (await EventAsync(Server, site, await AssertRefusedAsync(unknown))).Reason);

        using (var api = site.AdminApi())
            (await api.PatchJson($"{Strategies}/{id}", new { allow_idp_initiated = true })).EnsureSuccessStatusCode();
        var confirm = await PostAcsAsync(browser, id, await idp.ResponseAsync(null, acs, audience), null);
        var page = await confirm.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Contains($"Continue signing in to {site.Subdomain} with Test IdP?", page);
        Assert.Null(await MeAsync(browser)); // nothing happens before the click
        var handle = System.Text.RegularExpressions.Regex.Match(page, "name=\"handle\" value=\"([^\"]+)\"").Groups[1].Value;
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var forged = await browser.PostAsync($"/saml/{id}/continue", new FormUrlEncodedContent(new Dictionary<string, string> { ["handle"] = handle }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode); // no antiforgery token: a cross-site auto-submit cannot click for the user
        var clicked = await browser.PostAsync($"/saml/{id}/continue", new FormUrlEncodedContent(new Dictionary<string, string> { ["handle"] = handle, ["__RequestVerificationToken"] = token }));
        AssertRedirectTo(clicked, "/sso/authorize");
        AssertRedirectTo(await AuthorizeAsync(browser), "/");
        Assert.Equal("alice", await MeAsync(browser));
    }

    [Theory]
    [InlineData("wrong-audience", "saml_audience_mismatch")]
    [InlineData("wrong-recipient", "saml_recipient_mismatch")]
    [InlineData("wrong-destination", "saml_destination_mismatch")]
    [InlineData("unsigned", "saml_signature_missing")]
    [InlineData("xsw3", "saml_multiple_assertions")]
    [InlineData("tampered-nameid", "saml_digest_mismatch")]
    [InlineData("attacker-signed", "saml_signature_invalid")]
    [InlineData("other-idp-signed", "saml_signature_invalid")]
    [InlineData("wrong-issuer", "saml_issuer_mismatch")]
    [InlineData("expired", "saml_expired")]
    [InlineData("status-denied", "saml_status_not_success")]
    [InlineData("xxe", "saml_dtd_prohibited")]
    [InlineData("billion-laughs", "saml_dtd_prohibited")]
    public async Task Acs_HostileResponse_IsRefusedWithStageAndReason(string mutation, string reason)
    {
        var (site, idp, id) = await ProviderWithUserAsync();
        using var browser = site.Anonymous();

        var refused = await SignInAsync(browser, idp, id, mutation);

        var e = await EventAsync(Server, site, await AssertRefusedAsync(refused));
        Assert.Equal(reason, e.Reason);
        Assert.Equal("failure", e.Status);
        Assert.Null(await MeAsync(browser));
        await AssertValidSignInReachesAuthorizeAsync(site, idp, id);
    }

    [Fact]
    public async Task Acs_Refusal_EventHasWantGotFingerprintsAndRedactedResponse()
    {
        var (site, idp, id) = await ProviderWithUserAsync();
        using var browser = site.Anonymous();

        var html = await AssertRefusedAsync(await SignInAsync(browser, idp, id, "attacker-signed"));

        var body = Body(await EventAsync(Server, site, html));
        Assert.Equal("signature", (string?)body["stage"]);
        var configured = body["configured_certificate_fingerprints"]!.AsArray().Select(x => (string?)x).ToList();
        var received = body["received_certificate_fingerprints"]!.AsArray().Select(x => (string?)x).ToList();
        Assert.Single(configured);
        Assert.Single(received);
        Assert.NotEqual(configured[0], received[0]);
        var raw = (string)body["raw_response"]!;
        Assert.Contains("<saml:NameID", raw);
        Assert.Contains("SignatureValue>[redacted]<", raw);
        Assert.DoesNotMatch("DigestValue>[A-Za-z0-9+/=]{20,}<", raw);
        await AssertValidSignInReachesAuthorizeAsync(site, idp, id);
    }

    public static TheoryData<string, string> Garbage() => new()
    {
        { "application/x-www-form-urlencoded", "" },
        { "application/x-www-form-urlencoded", "SAMLResponse=" },
        { "application/x-www-form-urlencoded", "SAMLResponse=%%%not-base64%%%" },
        { "application/x-www-form-urlencoded", "SAMLResponse=" + Uri.EscapeDataString(Convert.ToBase64String(Encoding.UTF8.GetBytes("<not><saml/>"))) },
        { "application/x-www-form-urlencoded", "SAMLResponse=" + Uri.EscapeDataString(Convert.ToBase64String(new byte[] { 0xff, 0xfe, 0, 1, 2 })) },
        { "application/x-www-form-urlencoded", "SAMLResponse=AAAA&SAMLResponse=BBBB" },
        { "application/x-www-form-urlencoded", "SAMLResponse=AAAA&RelayState=" + new string('r', 81) },
        { "application/x-www-form-urlencoded", "SAMLResponse=" + new string('A', 400_000) },
        { "application/x-www-form-urlencoded", "SAMLResponse=" + new string('A', 5_000_000) },
        { "application/json", "{\"SAMLResponse\":\"AAAA\"}" },
        { "multipart/form-data; boundary=x", "--x\r\nbroken" },
        { "text/plain", "\u0000\u0001" },
    };

    private static StringContent Raw(string body, string contentType)
    {
        var content = new StringContent(body);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Acs_GarbageInput_IsRefusedWithout5xx(string contentType, string body)
    {
        var (site, idp, id) = await ProviderWithUserAsync();
        using var browser = site.Anonymous();

        var r = await browser.PostAsync($"/saml/{id}/acs", Raw(body, contentType));

        Assert.InRange((int)r.StatusCode, 400, 499);
        Assert.DoesNotContain("   at ", await r.Content.ReadAsStringAsync());
        var get = await browser.GetAsync($"/saml/{id}/acs");
        Assert.InRange((int)get.StatusCode, 400, 499);
        var unknown = await browser.PostAsync("/saml/999999999/acs", Raw(body, contentType));
        Assert.InRange((int)unknown.StatusCode, 400, 499);
        await AssertValidSignInReachesAuthorizeAsync(site, idp, id);
    }

    [Fact]
    public async Task Acs_UserOfAnotherProviderOrPassword_IsRefused()
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp, "Mine");
        var other = await CreateProviderAsync(site, f.Idp.NewTenant(), "Other");
        await SsoUserAsync(site, "carol", other);
        using (var api = site.AdminApi()) await CreateUserAsync(api, "dave", new { password = "Dave-Pass-01234!" });
        await SsoUserAsync(site, "alice", id);

        foreach (var name in new[] { "carol", "dave" })
        {
            using var browser = site.Anonymous();
            var html = await AssertRefusedAsync(await SignInAsync(browser, idp, id, nameId: name));
            Assert.Contains("does not sign in with Mine", System.Net.WebUtility.HtmlDecode(html));
            Assert.Equal("user_not_assigned", (await EventAsync(Server, site, html)).Reason);
            Assert.Null(await MeAsync(browser));
        }
        await AssertValidSignInReachesAuthorizeAsync(site, idp, id);
    }

    [Fact]
    public async Task Acs_DisabledUser_GetsAClearMessage()
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp);
        await SsoUserAsync(site, "erin", id, disabled: true);
        await SsoUserAsync(site, "alice", id);
        using var browser = site.Anonymous();

        var html = await AssertRefusedAsync(await SignInAsync(browser, idp, id, nameId: "erin"));

        Assert.Contains("Your account is disabled", html);
        Assert.Equal("user_disabled", (await EventAsync(Server, site, html)).Reason);
        await AssertValidSignInReachesAuthorizeAsync(site, idp, id);
    }

    [Fact]
    public async Task Acs_ProviderDisabledDuringTheFlow_IsRefused()
    {
        var (site, idp, id) = await ProviderWithUserAsync();
        using var browser = site.Anonymous();
        var flow = await StartAsync(browser, idp, id);
        var response = await idp.ResponseAsync(flow.RequestId, flow.Acs, flow.Audience);
        using (var api = site.AdminApi()) (await api.PatchJson($"{Strategies}/{id}", new { enabled = false })).EnsureSuccessStatusCode();

        var html = await AssertRefusedAsync(await PostAcsAsync(browser, id, response, flow.RelayState));

        Assert.Equal("provider_disabled", (await EventAsync(Server, site, html)).Reason);
        using (var api = site.AdminApi()) (await api.PatchJson($"{Strategies}/{id}", new { enabled = true })).EnsureSuccessStatusCode();
        await AssertValidSignInReachesAuthorizeAsync(site, idp, id);
    }

    [Fact]
    public async Task Acs_ByHandFingerprint_TrustsOnlyThePinnedKeyInfoCertificate()
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var pem = await File.ReadAllTextAsync(Path.Combine(SamlIdp.Folder, "keys", "idp-a.cert.pem"));
        var fingerprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem).RawData));
        long id;
        using (var api = site.AdminApi())
            id = await CreateAsync(api, new
            {
                provider = "saml", label = "By hand", saml_provider_issuer_url = idp.EntityId,
                saml_provider_sso_target_url = idp.Base + "/sso", saml_provider_cert_fingerprint = fingerprint,
            });
        await SsoUserAsync(site, "alice", id);
        using var browser = site.Anonymous();

        // Same subject, issuer and serial as idp-a, another key: the KeyInfo certificate does not match the pin.
        var html = await AssertRefusedAsync(await SignInAsync(browser, idp, id, "attacker-signed"));

        var body = Body(await EventAsync(Server, site, html));
        // Untrusted KeyInfo certificate, or (once the pinned certificate is known to this process from an earlier
        // sign-in) a signature that does not verify against it: refused at the signature stage either way.
        Assert.Contains((string?)body["code"], new[] { "saml_untrusted_certificate", "saml_signature_invalid" });
        Assert.Equal("signature", (string?)body["stage"]);
        await AssertValidSignInReachesAuthorizeAsync(site, idp, id);
    }

    [Fact]
    public async Task Start_SignedRequestsOption_SignsTheRedirect()
    {
        var (site, idp, id) = await ProviderWithUserAsync();
        using var browser = site.Anonymous();
        Assert.False((await StartAsync(browser, idp, id)).Signed);

        using (var api = site.AdminApi())
        {
            var updated = await (await api.PatchJson($"{Strategies}/{id}", new { saml_sign_authn_requests = true })).Json();
            Assert.True((bool)updated["saml_sign_authn_requests"]!);
        }
        var flow = await StartAsync(browser, idp, id);

        Assert.True(flow.Signed);
        Assert.Contains("SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256", flow.RedirectUrl);
        var response = await idp.ResponseAsync(flow.RequestId, flow.Acs, flow.Audience);
        AssertRedirectTo(await PostAcsAsync(browser, id, response, flow.RelayState), "/sso/authorize");
    }
}
