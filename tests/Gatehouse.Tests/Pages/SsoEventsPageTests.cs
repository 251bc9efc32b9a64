using System.Net;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Pages;

[Collection(ServerCollection.Name)]
public sealed class SsoEventsPageTests(GatehouseServer server)
{
    [Fact]
    public async Task SsoEvents_FilterByStatus_ShowsOnlyFailures()
    {
        var site = await server.CreateSiteAsync();
        using (var failed = site.Anonymous()) await failed.SignIn("ghost-user", "wrong-password-1");
        using var browser = await site.AdminBrowser();

        var failures = await browser.GetStringAsync("/admin/sso-events?status=failure");
        var successes = await browser.GetStringAsync("/admin/sso-events?status=success&username=ADMIN");

        Assert.Contains("ghost-user", failures);
        Assert.DoesNotContain("ghost-user", successes);
        Assert.Contains("Password Login", successes);
    }

    [Fact]
    public async Task SsoEvents_BadFilters_AreIgnoredNotFatal()
    {
        var site = await server.CreateSiteAsync();
        using var browser = await site.AdminBrowser();

        var response = await browser.GetAsync("/admin/sso-events?status=%3Cscript%3E&before=notanumber&username=" + new string('a', 3000));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
