using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using Microsoft.Playwright;
using static Gatehouse.Tests.SamlHost.SamlTestData;
using static Microsoft.Playwright.Assertions;

// Not "Gatehouse.Tests.Saml": that namespace would hide ProviderTestData.Saml(...) in the Providers tests.
namespace Gatehouse.Tests.SamlHost;

/// <summary>
/// EncryptedAssertion end to end: the test IdP reads our per-provider encryption certificate from our SP metadata
/// and encrypts the xml-crypto-signed assertion to it with the npm package xml-encryption (RSA-OAEP key transport,
/// AES-GCM or AES-CBC data), an implementation independent of our decryptor.
/// </summary>
[Collection(SamlCollection.Name)]
public sealed class SamlEncryptionTests(SamlFixture f, BrowserFixture browser)
{
    /// <summary>The encryption certificate our SP metadata publishes for the provider (base64 DER).</summary>
    public static async Task<string> SpEncryptionCertificateAsync(TestSite site, long id)
    {
        using var anonymous = site.Anonymous();
        var doc = new XmlDocument();
        doc.LoadXml(await anonymous.GetStringAsync($"/saml/{id}/metadata"));
        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("md", "urn:oasis:names:tc:SAML:2.0:metadata");
        ns.AddNamespace("ds", "http://www.w3.org/2000/09/xmldsig#");
        return doc.SelectSingleNode("//md:KeyDescriptor[@use='encryption']//ds:X509Certificate", ns)!.InnerText.Trim();
    }

    private async Task<(TestSite Site, SamlIdp.Tenant Idp, long Id)> EncryptingProviderAsync(string data, string transport)
    {
        var site = await f.Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp, "Encrypting IdP");
        await SsoUserAsync(site, "alice", id);
        await idp.ControlAsync(new { nameId = "alice", encrypt = new { cert = await SpEncryptionCertificateAsync(site, id), data, transport } });
        return (site, idp, id);
    }

    [Theory]
    [InlineData("aes256-gcm", "rsa-oaep-mgf1p")]
    [InlineData("aes128-gcm", "rsa-oaep-sha256")]
    [InlineData("aes256-cbc", "rsa-oaep-mgf1p")]
    [InlineData("aes128-cbc", "rsa-oaep-sha256")]
    public async Task Acs_EncryptedAssertion_SignsIn(string data, string transport)
    {
        var (site, idp, id) = await EncryptingProviderAsync(data, transport);
        using var http = site.Anonymous();

        var flow = await StartAsync(http, idp, id);
        var response = await idp.ResponseAsync(flow.RequestId, flow.Acs, flow.Audience);
        var xml = Encoding.UTF8.GetString(Convert.FromBase64String(response));
        Assert.Contains("<saml:EncryptedAssertion>", xml);
        Assert.DoesNotContain("alice", xml); // the NameID travels only inside the ciphertext
        Assert.Contains(data, xml);

        AssertRedirectTo(await PostAcsAsync(http, id, response, flow.RelayState), "/sso/authorize");
        AssertRedirectTo(await AuthorizeAsync(http), "/");
        Assert.Equal("alice", await MeAsync(http));
    }

    [Fact]
    public async Task Acs_EncryptedToAnotherKey_IsRefusedWithAReadablePageAndReason()
    {
        var (site, idp, id) = await EncryptingProviderAsync("aes256-gcm", "rsa-oaep-mgf1p");
        await idp.ControlAsync(new { encrypt = new { key = "attacker", data = "aes256-gcm", transport = "rsa-oaep-mgf1p" } });
        using var http = site.Anonymous();

        var html = await AssertRefusedAsync(await SignInAsync(http, idp, id));

        var e = await EventAsync(f.Server, site, html);
        Assert.Equal("saml_no_decryption_key", e.Reason);
        Assert.Equal("decryption", (string?)Body(e)["stage"]);
        Assert.DoesNotContain("CipherValue>MII", (string?)Body(e)["raw_response"] ?? ""); // ciphertext redacted
        Assert.Null(await MeAsync(http));

        // Positive control: the same IdP encrypting to the certificate of our metadata gets in.
        await idp.ControlAsync(new { encrypt = new { cert = await SpEncryptionCertificateAsync(site, id), data = "aes256-gcm", transport = "rsa-oaep-mgf1p" } });
        using var again = site.Anonymous();
        AssertRedirectTo(await SignInAsync(again, idp, id), "/sso/authorize");
    }

    [Fact]
    public async Task Browser_EncryptedAssertion_SignsInEndToEnd()
    {
        var (site, _, id) = await EncryptingProviderAsync("aes256-gcm", "rsa-oaep-sha256");

        var (context, page) = await browser.NewPageAsync();
        await using (context)
        {
            await page.GotoAsync(site.BaseUrl + "/login");
            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Encrypting IdP" }).Or(page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Encrypting IdP" })).ClickAsync();
            var authorize = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Authorize") });
            await Expect(authorize).ToBeVisibleAsync();
            await authorize.ClickAsync();
            await Expect(page).Not.ToHaveURLAsync(new Regex("/sso/authorize"));
            var me = await page.GotoAsync(site.BaseUrl + HttpExtensions.Api + "/me");
            Assert.Equal(200, me!.Status);
            Assert.Contains("\"alice\"", await me.TextAsync());
        }
    }
}
