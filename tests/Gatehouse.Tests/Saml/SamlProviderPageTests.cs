using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.SamlHost.SamlTestData;

// Not "Gatehouse.Tests.Saml": that namespace would hide ProviderTestData.Saml(...) in the Providers tests.
namespace Gatehouse.Tests.SamlHost;

/// <summary>
/// The admin provider page for SAML, over HTTP: the SAML options the API accepts are editable on the form, and the
/// "Identity provider status" card shows the last metadata refresh, its error, and each certificate's expiry with
/// the 30-day warning, with a "Refresh now" button.
/// </summary>
[Collection(SamlCollection.Name)]
public sealed class SamlProviderPageTests(SamlFixture f)
{
    private static async Task<HttpClient> AdminBrowserAsync(TestSite site)
    {
        var browser = site.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignIn(site.AdminUsername, site.AdminPassword)).StatusCode);
        return browser;
    }

    private static Dictionary<string, string> Form(SamlIdp.Tenant idp, params (string, string)[] fields)
    {
        var form = new Dictionary<string, string>
        {
            ["provider"] = "saml", ["protocol"] = "saml", ["label"] = "Page SAML", ["saml_provider_metadata_url"] = idp.MetadataUrl,
            ["enabled"] = "true", ["display_on_login_page"] = "true",
        };
        foreach (var (k, v) in fields) form[k] = v;
        return form;
    }

    [Fact]
    public async Task EditPage_SamlOptions_AreSavedFromTheFormAndShownAgain()
    {
        var site = await f.Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp, "Page SAML");
        using var browser = await AdminBrowserAsync(site);
        var page = await browser.GetStringAsync($"/admin/sso-providers/{id}");
        foreach (var field in new[] { "identity_attribute", "clock_skew_seconds", "allow_idp_initiated", "saml_sign_authn_requests_mode", "saml_require_signed_assertions", "saml_allow_sha1", "saml_provider_certificates", "saml_provider_cert_fingerprints" })
            Assert.Contains($"name=\"{field}\"", page);

        var saved = await browser.PostForm($"/admin/sso-providers/{id}?handler=Save", Form(idp,
            ("identity_attribute", "email"), ("clock_skew_seconds", "60"), ("allow_idp_initiated", "true"), ("saml_sign_authn_requests_mode", "true"),
            ("saml_require_signed_assertions", "true"), ("saml_allow_sha1", "false")), tokenFrom: $"/admin/sso-providers/{id}");

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        using var api = site.AdminApi();
        var json = await (await api.GetAsync($"{HttpExtensions.Api}/sso_strategies/{id}")).Json();
        Assert.Equal("email", (string?)json["identity_attribute"]);
        Assert.Equal(60, (int)json["clock_skew_seconds"]!);
        Assert.True((bool)json["allow_idp_initiated"]!);
        Assert.True((bool)json["saml_sign_authn_requests"]!);
        Assert.True((bool)json["saml_require_signed_assertions"]!);
        var again = await browser.GetStringAsync($"/admin/sso-providers/{id}");
        Assert.Contains("value=\"email\"", again);
        Assert.Contains("value=\"60\"", again);

        // Signing really follows the form: the next AuthnRequest is signed.
        using var user = site.Anonymous();
        Assert.True((await StartAsync(user, idp, id)).Signed);

        var refused = await browser.PostForm($"/admin/sso-providers/{id}?handler=Save", Form(idp, ("clock_skew_seconds", "9999")), tokenFrom: $"/admin/sso-providers/{id}");
        Assert.Equal((HttpStatusCode)422, refused.StatusCode);
        Assert.Contains("Clock skew must be between 0 and 600", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EditPage_RefreshNow_ShowsErrorThenNewCertificatesWithTheExpiryWarning()
    {
        var site = await f.Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp, "Refreshing SAML");
        using var browser = await AdminBrowserAsync(site);
        var page = await browser.GetStringAsync($"/admin/sso-providers/{id}");
        Assert.Contains("Identity provider status", page);
        Assert.Contains("Refresh now", page);
        Assert.DoesNotContain("Expires within 30 days", page);

        await idp.ControlAsync(new { metadataStatus = 500 });
        var failed = await browser.PostForm($"/admin/sso-providers/{id}?handler=Refresh", [], tokenFrom: $"/admin/sso-providers/{id}");
        Assert.Equal(HttpStatusCode.Redirect, failed.StatusCode);
        page = await browser.GetStringAsync($"/admin/sso-providers/{id}");
        Assert.Contains("could not be refreshed; the last good configuration stays in use", page);
        Assert.Contains("Last refresh failed", page);
        Assert.Contains("500", page);

        // The IdP now also publishes a certificate that expires in 10 days.
        using var rsa = RSA.Create(2048);
        using var soon = new CertificateRequest("CN=expiring idp", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        await idp.ControlAsync(new { metadataStatus = 200, publishDer = new[] { Convert.ToBase64String(soon.RawData) } });
        await browser.PostForm($"/admin/sso-providers/{id}?handler=Refresh", [], tokenFrom: $"/admin/sso-providers/{id}");
        page = await browser.GetStringAsync($"/admin/sso-providers/{id}");
        Assert.Contains("Metadata refreshed.", page);
        Assert.DoesNotContain("Last refresh failed", page);
        Assert.Contains(string.Join(':', SHA256.HashData(soon.RawData).Select(b => b.ToString("X2"))), page);
        Assert.Contains("Expires within 30 days", page);
        Assert.Contains(DateTime.UtcNow.AddDays(10).ToString("yyyy-MM-dd"), page);
    }
}
