using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Gatehouse.Hosting;
using Gatehouse.Providers;
using Gatehouse.Saml;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Gatehouse.Tests.Providers.ProviderTestData;
using static Gatehouse.Tests.SamlHost.SamlTestData;

// Not "Gatehouse.Tests.Saml": that namespace would hide ProviderTestData.Saml(...) in the Providers tests.
namespace Gatehouse.Tests.SamlHost;

/// <summary>IdP metadata (URL, pasted, refresh, rollover, failures), SP metadata and keys, the outbound guard.</summary>
[Collection(SamlCollection.Name)]
public sealed class SamlMetadataTests(SamlFixture f)
{
    private GatehouseServer Server => f.Server;

    private static string Fingerprint(string keyName) =>
        string.Join(':', Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(SamlIdp.Folder, "keys", keyName + ".cert.pem"))).RawData)).Chunk(2).Select(c => new string(c)));

    [Fact]
    public async Task Create_FromMetadataUrl_DerivesIssuerAndShowsCertificates()
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        using var api = site.AdminApi();

        var created = await (await api.PostJson(Strategies, new { provider = "saml", label = "Meta", saml_provider_metadata_url = idp.MetadataUrl })).Json();

        Assert.Equal(idp.EntityId, (string?)created["saml_provider_issuer_url"]);
        Assert.Equal(idp.EntityId, (string?)created["saml_idp_entity_id"]);
        Assert.NotNull((string?)created["saml_metadata_refreshed_at"]);
        Assert.NotNull((string?)created["saml_metadata_next_refresh_at"]);
        Assert.Null((string?)created["saml_metadata_error"]);
        var cert = created["saml_idp_certificates"]!.AsArray().Single()!;
        Assert.Equal(Fingerprint("idp-a"), (string?)cert["fingerprint_sha256"]);
        Assert.False((bool)cert["expires_soon"]!);
        Assert.NotNull((string?)cert["not_after"]);
    }

    [Fact]
    public async Task Refresh_NewCertificateAtTheIdp_IsPickedUp()
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp);
        await SsoUserAsync(site, "alice", id);
        await idp.ControlAsync(new { publish = new[] { "idp-a-next" }, signWith = "idp-a-next" });

        // Before the refresh the new key is not trusted (positive control of the negative below).
        using (var browser = site.Anonymous())
            Assert.Equal("saml_signature_invalid", (await EventAsync(Server, site, await AssertRefusedAsync(await SignInAsync(browser, idp, id)))).Reason);
        using var api = site.AdminApi();
        var refreshed = await api.PostAsync($"{Strategies}/{id}/refresh_metadata", null);
        var json = await refreshed.Json();

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(Fingerprint("idp-a-next"), (string?)json["saml_idp_certificates"]!.AsArray().Single()!["fingerprint_sha256"]);
        using (var browser = site.Anonymous())
            AssertRedirectTo(await SignInAsync(browser, idp, id), "/sso/authorize");
    }

    [Fact]
    public async Task Refresh_BrokenUrl_KeepsLastGoodAndShowsTheError()
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp);
        await SsoUserAsync(site, "alice", id);
        await idp.ControlAsync(new { metadataStatus = 500 });
        using var api = site.AdminApi();

        var refreshed = await api.PostAsync($"{Strategies}/{id}/refresh_metadata", null);

        var error = await refreshed.AssertError(422, "processing-failure/metadata-refresh-failed");
        Assert.Contains("HTTP 500", (string?)error["error"]);
        var shown = await (await api.GetAsync($"{Strategies}/{id}")).Json();
        Assert.Contains("HTTP 500", (string?)shown["saml_metadata_error"]);
        Assert.Single(shown["saml_idp_certificates"]!.AsArray());
        using (var browser = site.Anonymous())
            AssertRedirectTo(await SignInAsync(browser, idp, id), "/sso/authorize"); // last good configuration in use

        await idp.ControlAsync(new { metadataStatus = 200 });
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"{Strategies}/{id}/refresh_metadata", null)).StatusCode);
        Assert.Null((string?)(await (await api.GetAsync($"{Strategies}/{id}")).Json())["saml_metadata_error"]);
    }

    [Fact]
    public async Task BackgroundRefresh_DueProvider_IsRefreshed()
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp);
        await idp.ControlAsync(new { publish = new[] { "idp-a", "idp-a-next" } });
        await using (var scope = Server.SiteScope(site.Id, out var db))
        {
            var s = await db.SsoStrategies.FirstAsync(x => x.Id == id);
            s.ProtocolCacheRefreshAt = DateTime.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }

        await Server.Services.GetRequiredService<SamlMetadataRefreshService>().RunDueAsync(CancellationToken.None);

        using var api = site.AdminApi();
        var shown = await (await api.GetAsync($"{Strategies}/{id}")).Json();
        Assert.Equal(2, shown["saml_idp_certificates"]!.AsArray().Count);
        Assert.True(DateTime.Parse((string)shown["saml_metadata_next_refresh_at"]!).ToUniversalTime() > DateTime.UtcNow.AddMinutes(30));
    }

    [Fact]
    public async Task Rollover_BothPublishedCertificates_AreAccepted()
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        await idp.ControlAsync(new { publish = new[] { "idp-a", "idp-a-next" } });
        var id = await CreateProviderAsync(site, idp);
        await SsoUserAsync(site, "alice", id);

        foreach (var key in new[] { "idp-a", "idp-a-next" })
        {
            await idp.ControlAsync(new { signWith = key });
            using var browser = site.Anonymous();
            AssertRedirectTo(await SignInAsync(browser, idp, id), "/sso/authorize", key);
        }
        await idp.ControlAsync(new { signWith = "idp-b" });
        using var other = site.Anonymous();
        await AssertRefusedAsync(await SignInAsync(other, idp, id));
    }

    [Fact]
    public async Task Create_SameIdpOnAnotherSite_FromMetadataOnly_IsConflict()
    {
        var idp = f.Idp.NewTenant();
        var a = await Server.CreateSiteAsync();
        var b = await Server.CreateSiteAsync();
        await CreateProviderAsync(a, idp, "Shared IdP");
        using var apiB = b.AdminApi();

        var byUrl = await apiB.PostJson(Strategies, new { provider = "saml", label = "Same", saml_provider_metadata_url = idp.MetadataUrl });
        var byContent = await apiB.PostJson(Strategies, new { provider = "saml", label = "Same", saml_provider_metadata_content = await idp.MetadataAsync() });

        Assert.DoesNotContain(a.Subdomain, (string?)(await byUrl.AssertError(409, "processing-failure/idp-credentials-in-use"))["error"]);
        await byContent.AssertError(409, "processing-failure/idp-credentials-in-use");
        var other = f.Idp.NewTenant(); // positive control: another IdP application is fine
        Assert.Equal(HttpStatusCode.Created, (await apiB.PostJson(Strategies, new { provider = "saml", label = "Own", saml_provider_metadata_content = await other.MetadataAsync() })).StatusCode);
    }

    [Fact]
    public async Task Create_PastedMetadata_SignsIn()
    {
        var site = await Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        using var api = site.AdminApi();
        var id = await CreateAsync(api, new { provider = "saml", label = "Pasted", saml_provider_metadata_content = await idp.MetadataAsync() });
        await SsoUserAsync(site, "alice", id);

        using var browser = site.Anonymous();
        AssertRedirectTo(await SignInAsync(browser, idp, id), "/sso/authorize");
        var bad = await api.PatchJson($"{Strategies}/{id}", new { saml_provider_metadata_content = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"x\"/>" });
        await bad.AssertError(422);
    }

    [Fact]
    public async Task Create_UnreachableMetadataUrl_IsSavedWithTheErrorShown()
    {
        var site = await Server.CreateSiteAsync();
        using var api = site.AdminApi();

        var created = await api.PostJson(Strategies, new { provider = "saml", label = "Down", saml_provider_metadata_url = "http://127.0.0.1:9/metadata" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await created.Json();
        Assert.False(string.IsNullOrEmpty((string?)json["saml_metadata_error"]));
        using var browser = site.Anonymous();
        var start = await browser.GetAsync($"/sso/{json["id"]}/login");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, start.StatusCode);
        Assert.Contains("Reference:", await start.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SpMetadata_PublishesEntityIdAcsAndGeneratedKeys()
    {
        var site = await Server.CreateSiteAsync();
        var id = await CreateProviderAsync(site, f.Idp.NewTenant());
        using var browser = site.Anonymous();

        var r = await browser.GetAsync($"/saml/{id}/metadata");

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var doc = new XmlDocument();
        doc.LoadXml(await r.Content.ReadAsStringAsync());
        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("md", "urn:oasis:names:tc:SAML:2.0:metadata");
        Assert.Equal($"{site.BaseUrl}/saml/{id}/metadata", doc.DocumentElement!.GetAttribute("entityID"));
        Assert.Equal($"{site.BaseUrl}/saml/{id}/acs", ((XmlElement)doc.SelectSingleNode("//md:AssertionConsumerService", ns)!).GetAttribute("Location"));
        Assert.Single(doc.SelectNodes("//md:KeyDescriptor[@use='signing']", ns)!.Cast<XmlNode>());
        Assert.Single(doc.SelectNodes("//md:KeyDescriptor[@use='encryption']", ns)!.Cast<XmlNode>());
        await using var scope = Server.SiteScope(site.Id, out var db);
        var stored = await db.SsoStrategies.AsNoTracking().FirstAsync(x => x.Id == id);
        Assert.DoesNotContain("pkcs8", stored.SpKeysProtected!); // Data Protection ciphertext only
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/saml/{id}/metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/saml/999999999/metadata")).StatusCode);
    }

    [Fact]
    public void SpKeyRing_BeforeExpiry_PublishesNextThenSwitches()
    {
        var now = DateTimeOffset.UtcNow;
        var keys = SpKeyRing.Generate(now);
        Assert.False(SpKeyRing.Rotate(keys, now.AddDays(30)));

        var publishAt = now + SpKeyRing.Lifetime - SpKeyRing.PublishNextBefore + TimeSpan.FromDays(1);
        Assert.True(SpKeyRing.Rotate(keys, publishAt));
        Assert.Equal(2, keys.Count(k => k.State == "next"));
        Assert.Equal(2, keys.Count(k => k.State == "current"));

        var switchAt = now + SpKeyRing.Lifetime - SpKeyRing.SwitchBefore + TimeSpan.FromDays(1);
        var next = keys.First(k => k.State == "next" && k.Use == SpKeyRing.Signing);
        Assert.True(SpKeyRing.Rotate(keys, switchAt));
        Assert.Equal(next.Certificate, keys.Single(k => k.State == "current" && k.Use == SpKeyRing.Signing).Certificate);
        Assert.Equal(2, keys.Count(k => k.State == "previous"));
    }

    [Fact]
    public async Task OutboundGuard_PrivateAddressesAndHttp_AreRefusedWhenNotAllowed()
    {
        var idp = f.Idp.NewTenant();
        using var strict = new OutboundHttp(Options.Create(new GatehouseOptions { Outbound = new() { AllowHttp = true, AllowPrivateNetworks = false } }));
        using var noHttp = new OutboundHttp(Options.Create(new GatehouseOptions { Outbound = new() { AllowHttp = false, AllowPrivateNetworks = true } }));
        using var open = new OutboundHttp(Options.Create(new GatehouseOptions { Outbound = new() { AllowHttp = true, AllowPrivateNetworks = true } }));

        var refusedPrivate = await strict.GetAsync(idp.MetadataUrl, 1024 * 1024, CancellationToken.None);
        var refusedHttp = await noHttp.GetAsync(idp.MetadataUrl, 1024 * 1024, CancellationToken.None);
        var allowed = await open.GetAsync(idp.MetadataUrl, 1024 * 1024, CancellationToken.None);
        var tooLarge = await open.GetAsync(idp.MetadataUrl, 100, CancellationToken.None);

        Assert.Contains("private, loopback or link-local", refusedPrivate.Error);
        Assert.Contains("http", refusedHttp.Error);
        Assert.True(allowed.Succeeded, allowed.Error);
        Assert.False(tooLarge.Succeeded);
        Assert.False(OutboundHttp.IsPublic(System.Net.IPAddress.Parse("169.254.169.254")));
        Assert.False(OutboundHttp.IsPublic(System.Net.IPAddress.Parse("::ffff:10.0.0.1")));
        Assert.True(OutboundHttp.IsPublic(System.Net.IPAddress.Parse("93.184.216.34")));
    }
}
