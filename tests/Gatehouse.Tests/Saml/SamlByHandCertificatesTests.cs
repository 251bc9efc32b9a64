using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.Providers.ProviderTestData;
using static Gatehouse.Tests.SamlHost.SamlTestData;

// Not "Gatehouse.Tests.Saml": that namespace would hide ProviderTestData.Saml(...) in the Providers tests.
namespace Gatehouse.Tests.SamlHost;

/// <summary>
/// Configuration by hand with several IdP signing certificates at once (a rollover without metadata): pasted PEM
/// certificates, or several SHA-256 fingerprints. A response signed with any listed key gets in; one signed with an
/// unlisted key is refused, and the sso_event shows the fingerprints configured vs received.
/// </summary>
[Collection(SamlCollection.Name)]
public sealed class SamlByHandCertificatesTests(SamlFixture f)
{
    private static string Pem(string name) => File.ReadAllText(Path.Combine(SamlIdp.Folder, "keys", $"{name}.cert.pem"));
    private static string Fingerprint(string name) => string.Join(':', SHA256.HashData(X509Certificate2.CreateFromPem(Pem(name)).RawData).Select(b => b.ToString("X2")));

    private async Task<(TestSite Site, SamlIdp.Tenant Idp, long Id)> ByHandAsync(object trust)
    {
        var site = await f.Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var body = new Dictionary<string, object?>
        {
            ["provider"] = "saml", ["label"] = "By hand", ["saml_provider_issuer_url"] = idp.EntityId, ["saml_provider_sso_target_url"] = idp.Base + "/sso",
        };
        foreach (var p in trust.GetType().GetProperties()) body[p.Name] = p.GetValue(trust);
        long id;
        using (var api = site.AdminApi()) id = await CreateAsync(api, body);
        await SsoUserAsync(site, "alice", id);
        return (site, idp, id);
    }

    private static async Task AssertSignsInAsync(TestSite site, SamlIdp.Tenant idp, long id, string signWith)
    {
        await idp.ControlAsync(new { signWith });
        using var browser = site.Anonymous();
        AssertRedirectTo(await SignInAsync(browser, idp, id), "/sso/authorize", $"(signed by {signWith})");
    }

    [Fact]
    public async Task ByHand_SeveralPemCertificates_EitherKeyIsAcceptedAnUnlistedOneRefused()
    {
        var (site, idp, id) = await ByHandAsync(new { saml_provider_certificates = Pem("idp-a") + "\n" + Pem("idp-a-next") });

        await AssertSignsInAsync(site, idp, id, "idp-a");
        await AssertSignsInAsync(site, idp, id, "idp-a-next");

        await idp.ControlAsync(new { signWith = "idp-b" });
        using var browser = site.Anonymous();
        var e = await EventAsync(f.Server, site, await AssertRefusedAsync(await SignInAsync(browser, idp, id)));
        Assert.Equal("saml_signature_invalid", e.Reason);
        var body = Body(e);
        Assert.Equal("signature", (string?)body["stage"]);
        var configured = body["configured_certificate_fingerprints"]!.AsArray().Select(x => (string)x!).ToList();
        Assert.Equal([Fingerprint("idp-a"), Fingerprint("idp-a-next")], configured.Order());
        Assert.Equal([Fingerprint("idp-b")], body["received_certificate_fingerprints"]!.AsArray().Select(x => (string)x!));

        using var api = site.AdminApi();
        var json = await (await api.GetAsync($"{HttpExtensions.Api}/sso_strategies/{id}")).Json();
        var shown = json["saml_idp_certificates"]!.AsArray().Select(c => (string)c!["fingerprint_sha256"]!).ToList();
        Assert.Contains(Fingerprint("idp-a"), shown);
        Assert.Contains(Fingerprint("idp-a-next"), shown);
    }

    [Fact]
    public async Task ByHand_SeveralFingerprints_EitherKeyIsAcceptedAnUnlistedOneRefusedWithWantAndGot()
    {
        var (site, idp, id) = await ByHandAsync(new
        {
            saml_provider_cert_fingerprint = Fingerprint("idp-a"), saml_provider_cert_fingerprints = Fingerprint("idp-a-next").Replace(":", ""),
        });

        await AssertSignsInAsync(site, idp, id, "idp-a");
        await AssertSignsInAsync(site, idp, id, "idp-a-next");

        await idp.ControlAsync(new { signWith = "idp-b" });
        using var browser = site.Anonymous();
        var e = await EventAsync(f.Server, site, await AssertRefusedAsync(await SignInAsync(browser, idp, id)));
        // The pinned certificates are known from the earlier sign-ins, so idp-b's signature is checked against them and fails.
        Assert.Equal("saml_signature_invalid", e.Reason);
        var body = Body(e);
        Assert.Equal([Fingerprint("idp-a"), Fingerprint("idp-a-next")], body["configured_certificate_fingerprints"]!.AsArray().Select(x => (string)x!).Order());
        Assert.Equal([Fingerprint("idp-b")], body["received_certificate_fingerprints"]!.AsArray().Select(x => (string)x!));
    }

    [Theory]
    [InlineData("saml_provider_certificates", "not a certificate")]
    [InlineData("saml_provider_certificates", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")]
    [InlineData("saml_provider_cert_fingerprints", "abc, def")]
    public async Task ByHand_BadTrustAnchors_Are422(string field, string value)
    {
        var site = await f.Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        using var api = site.AdminApi();
        var r = await api.PostJson(HttpExtensions.Api + "/sso_strategies", new Dictionary<string, object?>
        {
            ["provider"] = "saml", ["label"] = "Bad", ["saml_provider_issuer_url"] = idp.EntityId, ["saml_provider_sso_target_url"] = idp.Base + "/sso",
            [field] = value,
        });
        Assert.Equal((HttpStatusCode)422, r.StatusCode);
        Assert.Contains(field, await r.Content.ReadAsStringAsync());
    }
}
