using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Gatehouse.Tests.Infrastructure;
using static Gatehouse.Tests.SamlHost.SamlTestData;

// Not "Gatehouse.Tests.Saml": that namespace would hide ProviderTestData.Saml(...) in the Providers tests.
namespace Gatehouse.Tests.SamlHost;

/// <summary>
/// SP-initiated Single Logout over HTTP-Redirect against the Node test IdP: the local session ends first (so an IdP
/// that never answers changes nothing here), the LogoutRequest carries the NameID and SessionIndex of the sign-in,
/// and the IdP's LogoutResponse is checked (InResponseTo, Issuer, signature) before the signed-out page.
/// </summary>
[Collection(SamlCollection.Name)]
public sealed class SamlLogoutTests(SamlFixture f)
{
    private GatehouseServer Server => f.Server;

    /// <summary>alice signed in through the test IdP (after Authorize), with her session token.</summary>
    private async Task<(TestSite Site, SamlIdp.Tenant Idp, long Id, HttpClient Browser, string Token)> SignedInAsync(object? extra = null)
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp, "Logout IdP", extra);
        await SsoUserAsync(site, "alice", id);
        var browser = site.Anonymous();
        AssertRedirectTo(await SignInAsync(browser, idp, id), "/sso/authorize");
        AssertRedirectTo(await AuthorizeAsync(browser), "/");
        Assert.Equal("alice", await MeAsync(browser));
        return (site, idp, id, browser, Gatehouse.Tests.Sessions.WebSignInTests.CookieValue(browser, site));
    }

    private static async Task AssertSessionDeadAsync(TestSite site, string token)
    {
        using var replay = site.Anonymous(cookies: false);
        replay.DefaultRequestHeaders.Add("Cookie", "gh_session=" + token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync(HttpExtensions.Api + "/me")).StatusCode);
    }

    private static async Task<string> SignOutAsync(HttpClient browser, SamlIdp.Tenant idp)
    {
        var r = await browser.PostForm("/logout", new Dictionary<string, string>(), tokenFrom: "/logout");
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var location = r.Headers.Location!.ToString();
        Assert.StartsWith(idp.Base + "/slo?SAMLRequest=", location);
        return location;
    }

    [Fact]
    public async Task SignOut_SamlSession_EndsLocallyThenLogsOutAtTheIdpWithNameIdAndSessionIndex()
    {
        var (site, idp, id, browser, token) = await SignedInAsync();
        using var _ = browser;

        var toIdp = await SignOutAsync(browser, idp);

        await AssertSessionDeadAsync(site, token); // before the IdP has even seen the request
        var back = await idp.SingleLogoutAsync(toIdp);
        var request = (await idp.StateAsync())["lastLogout"]!;
        Assert.Equal("LogoutRequest", (string?)request["element"]);
        Assert.Equal("alice", (string?)request["name_id"]);
        Assert.False(string.IsNullOrEmpty((string?)request["session_index"]));
        Assert.Equal($"{site.BaseUrl}/saml/{id}/metadata", (string?)request["issuer"]);
        Assert.Equal(idp.Base + "/slo", (string?)request["destination"]);
        Assert.False((bool)request["signed"]!);

        Assert.NotNull(back);
        Assert.StartsWith($"{site.BaseUrl}/saml/{id}/slo?SAMLResponse=", back);
        var done = await browser.GetAsync(back[site.BaseUrl.Length..]);
        var html = await done.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("signed out of this site and of Logout IdP", html);

        // The answer is single use.
        var again = await browser.GetAsync(back[site.BaseUrl.Length..]);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("Reference:", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignOut_IdpNeverAnswers_LocalSessionIsAlreadyEnded()
    {
        var (site, idp, _, browser, token) = await SignedInAsync();
        using var _ = browser;
        await idp.ControlAsync(new { sloRespond = false });

        var toIdp = await SignOutAsync(browser, idp);

        Assert.Null(await idp.SingleLogoutAsync(toIdp));
        Assert.NotNull((await idp.StateAsync())["lastLogout"]);
        await AssertSessionDeadAsync(site, token);
        Assert.Null(await MeAsync(browser));
    }

    [Fact]
    public async Task SignOut_SigningOn_LogoutRequestIsSignedWithOurPublishedKey()
    {
        var (site, idp, id, browser, _) = await SignedInAsync(new { saml_sign_authn_requests = true });
        using var __ = browser;

        await idp.SingleLogoutAsync(await SignOutAsync(browser, idp));

        var request = (await idp.StateAsync())["lastLogout"]!;
        Assert.True((bool)request["signed"]!);
        using var anonymous = site.Anonymous();
        var doc = new XmlDocument();
        doc.LoadXml(await anonymous.GetStringAsync($"/saml/{id}/metadata"));
        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("md", "urn:oasis:names:tc:SAML:2.0:metadata");
        ns.AddNamespace("ds", "http://www.w3.org/2000/09/xmldsig#");
        Assert.Equal($"{site.BaseUrl}/saml/{id}/slo", ((XmlElement)doc.SelectSingleNode("//md:SingleLogoutService", ns)!).GetAttribute("Location"));
        var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(
            doc.SelectSingleNode("//md:KeyDescriptor[@use='signing']//ds:X509Certificate", ns)!.InnerText.Trim()));
        var valid = certificate.GetRSAPublicKey()!.VerifyData(Encoding.UTF8.GetBytes((string)request["signed_part"]!),
            Convert.FromBase64String((string)request["signature"]!), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(valid);
    }

    [Theory]
    [InlineData("wrong-irt", "saml_in_response_to_mismatch")]
    [InlineData("wrong-issuer", "saml_issuer_mismatch")]
    [InlineData("attacker-signed", "saml_signature_invalid")]
    [InlineData("partial", "saml_slo_status")]
    public async Task SignOut_BadLogoutResponse_IsRefusedReadablyAndTheSessionStaysEnded(string mutation, string reason)
    {
        var (site, idp, _, browser, token) = await SignedInAsync();
        using var _ = browser;
        await idp.ControlAsync(new { sloMutation = mutation });

        var back = await idp.SingleLogoutAsync(await SignOutAsync(browser, idp));
        var r = await browser.GetAsync(back![site.BaseUrl.Length..]);

        var html = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("You are signed out of this site", html);
        var e = await EventAsync(Server, site, html);
        Assert.Equal(reason, e.Reason);
        await AssertSessionDeadAsync(site, token);
    }

    [Fact]
    public async Task SignOut_PasswordSession_GoesNowhereElse()
    {
        var site = await Server.CreateSiteAsync();
        using var browser = site.Anonymous();
        await browser.SignIn(site.AdminUsername, site.AdminPassword);

        var r = await browser.PostForm("/logout", new Dictionary<string, string>(), tokenFrom: "/logout");

        Assert.Equal("/login?signed_out=1", r.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Slo_ForgedOrGarbageAnswers_AreRefusedWithout5xx()
    {
        var site = await Server.CreateSiteAsync();
        var id = await CreateProviderAsync(site, f.Idp.NewTenant());
        using var browser = site.Anonymous();
        foreach (var query in new[] { "", "?SAMLResponse=", "?SAMLResponse=%%%", "?SAMLResponse=AAAA&RelayState=nope", "?SAMLRequest=AAAA", "?RelayState=x&RelayState=y" })
        {
            var r = await browser.GetAsync($"/saml/{id}/slo{query}");
            Assert.InRange((int)r.StatusCode, 400, 499);
            Assert.DoesNotContain("   at ", await r.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/saml/999999999/slo?SAMLResponse=AAAA")).StatusCode);
    }
}
