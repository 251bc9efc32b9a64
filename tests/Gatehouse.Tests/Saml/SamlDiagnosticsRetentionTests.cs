using Gatehouse.Saml;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Gatehouse.Tests.SamlHost.SamlTestData;

// Not "Gatehouse.Tests.Saml": that namespace would hide ProviderTestData.Saml(...) in the Providers tests.
namespace Gatehouse.Tests.SamlHost;

/// <summary>The redacted raw response of a refusal is kept for a limited time (SamlOptions.RawResponseRetention, 7 days), then removed by housekeeping while the event stays.</summary>
[Collection(SamlCollection.Name)]
public sealed class SamlDiagnosticsRetentionTests(SamlFixture f)
{
    [Fact]
    public async Task RawResponse_OlderThanRetention_IsPurgedEventStays_RecentOneKept()
    {
        var site = await f.Server.CreateSiteAsync();
        var idp = f.Idp.NewTenant();
        var id = await CreateProviderAsync(site, idp);
        await SsoUserAsync(site, "alice", id);
        using var browser = site.Anonymous();
        var old = await EventAsync(f.Server, site, await AssertRefusedAsync(await SignInAsync(browser, idp, id, "wrong-audience")));
        var recent = await EventAsync(f.Server, site, await AssertRefusedAsync(await SignInAsync(browser, idp, id, "wrong-audience")));
        Assert.NotNull(Body(old)["raw_response"]);
        await using (var scope = f.Server.SiteScope(site.Id, out var db))
        {
            var e = await db.SsoEvents.FirstAsync(x => x.Id == old.Id);
            e.CreatedAt = DateTime.UtcNow.AddDays(-8);
            await db.SaveChangesAsync();
        }

        await f.Server.Services.GetRequiredService<SamlMetadataRefreshService>().RunDueAsync(CancellationToken.None);

        await using (var scope = f.Server.SiteScope(site.Id, out var db))
        {
            var purged = Body(await db.SsoEvents.AsNoTracking().FirstAsync(x => x.Id == old.Id));
            Assert.Null(purged["raw_response"]);
            Assert.True((bool)purged["raw_response_purged"]!);
            Assert.Equal("saml_audience_mismatch", (string?)purged["code"]);
            Assert.NotNull(Body(await db.SsoEvents.AsNoTracking().FirstAsync(x => x.Id == recent.Id))["raw_response"]);
        }
    }
}
