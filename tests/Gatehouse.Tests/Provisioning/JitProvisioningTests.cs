using System.Text.Json.Nodes;
using Gatehouse.Providers;
using Gatehouse.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Gatehouse.Tests.Provisioning.ScimTestData;

namespace Gatehouse.Tests.Provisioning;

/// <summary>JIT through <see cref="CompleteSsoSignIn"/> with a constructed identity (what the SAML/OIDC handlers pass), and the identity resolver.</summary>
[Collection(ServerCollection.Name)]
public sealed class JitProvisioningTests(GatehouseServer server)
{
    private async Task<(TestSite Site, long StrategyId)> SiteWithJitAsync(object options, string plan = "power")
    {
        var site = await server.CreateSiteAsync(plan);
        using var api = site.AdminApi();
        var body = new Dictionary<string, object?>
        {
            ["provider"] = "saml", ["label"] = "Entra", ["saml_provider_issuer_url"] = $"https://sts.windows.net/{Guid.NewGuid()}/",
            ["saml_provider_sso_target_url"] = "https://login.microsoftonline.com/x/saml2", ["saml_provider_cert_fingerprint"] = new string('a', 64),
            ["provision_users"] = true,
        };
        foreach (var p in options.GetType().GetProperties()) body[p.Name] = p.GetValue(options);
        var r = await api.PostJson(Providers.ProviderTestData.Strategies, body);
        var json = await r.Json();
        Assert.True((int)r.StatusCode == 201, json.ToJsonString());
        return (site, (long)json["id"]!);
    }

    private async Task<IResult> SignInAsync(TestSite site, long strategyId, ExternalIdentity identity)
    {
        await using var scope = server.SiteScope(site.Id, out var db);
        var s = await db.SsoStrategies.SingleAsync(x => x.Id == strategyId);
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        return await scope.ServiceProvider.GetRequiredService<CompleteSsoSignIn>().HandleAsync(http, s, identity, null, CancellationToken.None);
    }

    private static Dictionary<string, IReadOnlyList<string>> Attrs(params (string Key, string[] Values)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Values);

    [Fact]
    public async Task Jit_UnknownUser_IsCreatedFromAttributesWithGroupsAndDefaults()
    {
        var (site, sid) = await SiteWithJitAsync(new { provision_groups = true, provision_group_default = "Staff", provision_group_inclusion = "Eng*", provision_company = "Contoso" });
        var identity = new ExternalIdentity("https://sts.windows.net/t/", "persistent-1", "new.person@contoso.com", "new.person@contoso.com", "New Person",
            Attrs(("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", ["Engineering", "Finance"])));

        var result = await SignInAsync(site, sid, identity);

        Assert.Equal("/sso/authorize", (result as Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult)?.Url);
        await using var scope = server.SiteScope(site.Id, out var db);
        var user = await db.Users.Include(u => u.Memberships).ThenInclude(m => m.Group).SingleAsync(u => u.UsernameNormalized == "new.person@contoso.com");
        Assert.Equal("sso", user.AuthenticationMethod);
        Assert.Equal(sid, user.SsoStrategyId);
        Assert.True(user.ExternallyManaged);
        Assert.Equal("New Person", user.Name);
        Assert.Equal("Contoso", user.Company);
        Assert.Equal(["Engineering", "Staff"], user.Memberships.Select(m => m.Group.Name).Order().ToArray());
        Assert.True(await db.SsoEvents.AnyAsync(e => e.Reason == "jit_provisioned"));
    }

    [Fact]
    public async Task Jit_ProvisionOptions_ExclusionWildcardSiteAdminGroupsPermissionsAndRequiredGroupMet()
    {
        var (site, sid) = await SiteWithJitAsync(new
        {
            provision_groups = true, provision_group_required = "Files-*", provision_group_inclusion = "Files-*, Eng*",
            provision_group_exclusion = "*-Secret", provision_site_admin_groups = "Files-Admins*",
            provision_dav_permission = true, provision_ftp_permission = false, provision_sftp_permission = true,
        });
        var identity = new ExternalIdentity("iss", "sub-opts", "admin.person@contoso.com", null, null,
            Attrs(("groups", ["Files-Admins-EU", "Eng-Secret", "Engineering", "Finance"]), ("company", ["Contoso Ltd"])));

        await SignInAsync(site, sid, identity);

        await using var scope = server.SiteScope(site.Id, out var db);
        var user = await db.Users.Include(u => u.Memberships).ThenInclude(m => m.Group).SingleAsync(u => u.UsernameNormalized == "admin.person@contoso.com");
        Assert.Equal(["Engineering", "Files-Admins-EU"], user.Memberships.Select(m => m.Group.Name).Order().ToArray()); // Eng-Secret excluded, Finance not included
        Assert.True(user.SiteAdmin);
        Assert.True(user.DavPermission);
        Assert.False(user.FtpPermission);
        Assert.True(user.SftpPermission);
        Assert.Equal("Contoso Ltd", user.Company);
        Assert.False(await db.Groups.AnyAsync(g => g.Name == "Eng-Secret" || g.Name == "Finance"));

        // The same options without an admin group: not a site admin.
        var plain = new ExternalIdentity("iss", "sub-opts-2", "plain.person@contoso.com", null, null, Attrs(("groups", ["Files-Users"])));
        await SignInAsync(site, sid, plain);
        Assert.False((await db.Users.SingleAsync(u => u.UsernameNormalized == "plain.person@contoso.com")).SiteAdmin);
    }

    [Fact]
    public async Task Jit_GroupOverage_IsReportedAndGroupsAreNotWiped()
    {
        var (site, sid) = await SiteWithJitAsync(new { provision_groups = true });
        var identity = new ExternalIdentity("iss", "sub-2", "overage@contoso.com", null, null,
            Attrs(("http://schemas.microsoft.com/claims/groups.link", ["https://graph.windows.net/t/users/x/getMemberObjects"])));

        await SignInAsync(site, sid, identity);

        await using var scope = server.SiteScope(site.Id, out var db);
        var user = await db.Users.Include(u => u.Memberships).SingleAsync(u => u.UsernameNormalized == "overage@contoso.com");
        Assert.Empty(user.Memberships);
        Assert.Null(user.Email); // absent attributes change nothing
        Assert.True(await db.SsoEvents.AnyAsync(e => e.Reason == "group_overage"));
    }

    [Fact]
    public async Task Jit_RequiredGroupMissing_RefusesAndCreatesNothing()
    {
        var (site, sid) = await SiteWithJitAsync(new { provision_group_required = "Files-Users" });
        var identity = new ExternalIdentity("iss", "sub-3", "outsider@contoso.com", null, null, Attrs(("groups", ["Other"])));

        await SignInAsync(site, sid, identity);

        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.False(await db.Users.AnyAsync(u => u.UsernameNormalized == "outsider@contoso.com"));
        Assert.True(await db.SsoEvents.AnyAsync(e => e.Reason == "jit_required_group_missing"));
    }

    [Fact]
    public async Task Jit_Off_UnknownUserIsRefused()
    {
        var (site, sid) = await SiteWithJitAsync(new { provision_users = false });
        await SignInAsync(site, sid, new ExternalIdentity("iss", "sub-4", "nobody@contoso.com"));
        await using var scope = server.SiteScope(site.Id, out var db);
        Assert.False(await db.Users.AnyAsync(u => u.UsernameNormalized == "nobody@contoso.com"));
        Assert.True(await db.SsoEvents.AnyAsync(e => e.Reason == "unknown_user"));
    }

    [Fact]
    public async Task Resolver_ExternalIdAndUserNameOnDifferentUsers_IsRefusedNamingBoth()
    {
        var site = await server.CreateSiteAsync();
        var p = await ProviderAsync(site);
        using var scim = p.Client();
        var first = OktaUser("first@example.com");
        var externalId = (string)first["externalId"]!;
        await (await scim.ScimPost(Base + "/Users", first)).AssertScim(201);
        await CreateUserAsync(scim, "second@example.com");

        var clash = OktaUser("second@example.com");
        clash["externalId"] = externalId;
        await (await scim.ScimPost(Base + "/Users", clash)).AssertScimError(409, "uniqueness");

        await using var scope = server.SiteScope(site.Id, out var db);
        var e = await db.SsoEvents.SingleAsync(x => x.Reason == "ambiguous_identity");
        Assert.Contains("first@example.com", e.Message);
        Assert.Contains("second@example.com", e.Message);
    }

    [Fact]
    public async Task SignIn_LinkAndUsernameOnDifferentUsers_IsRefusedNamingBothWithoutJitDuplicate()
    {
        // The SAML/OIDC linking path and JIT share the resolver: the persistent NameID links to "old.name" while the
        // username attribute now names "taken.name", another of this provider's users (a rename at the IdP).
        var (site, sid) = await SiteWithJitAsync(new { provision_groups = true });
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            var s = await db.SsoStrategies.SingleAsync(x => x.Id == sid);
            var linked = Gatehouse.Provisioning.ProvisioningPolicy.NewUser(s, "old.name@contoso.com", DateTime.UtcNow);
            db.Users.Add(linked);
            db.Users.Add(Gatehouse.Provisioning.ProvisioningPolicy.NewUser(s, "taken.name@contoso.com", DateTime.UtcNow));
            await db.SaveChangesAsync();
            db.SsoIdentityLinks.Add(new SsoIdentityLink { UserId = linked.Id, SsoStrategyId = sid, Issuer = "iss-amb", Subject = "persistent-amb", CreatedAt = DateTime.UtcNow, LastUsedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var result = await SignInAsync(site, sid, new ExternalIdentity("iss-amb", "persistent-amb", "taken.name@contoso.com", null, null, Attrs(("groups", ["Eng"]))));

        Assert.Equal(403, GetStatus(result));
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            var events = await db.SsoEvents.Where(x => x.Reason == "ambiguous_identity").ToListAsync();
            Assert.Equal(2, events.Count); // the resolver's (naming both) and the refused sign-in's (shown to the user by reference)
            Assert.Contains(events, e => e.Message != null && e.Message.Contains("\"old.name@contoso.com\"") && e.Message.Contains("\"taken.name@contoso.com\""));
            Assert.Contains(events, e => e.EventType == "SSO Login" && e.Status != "success");
            Assert.Equal(2, await db.Users.CountAsync(u => u.SsoStrategyId == sid)); // no JIT duplicate
            Assert.False(await db.SsoEvents.AnyAsync(x => x.Reason == "jit_provisioned"));
        }

        // The same link with its own username still signs in (link first): the resolver finds the linked user.
        await using (var scope = server.SiteScope(site.Id, out var db))
        {
            var s = await db.SsoStrategies.SingleAsync(x => x.Id == sid);
            var match = await scope.ServiceProvider.GetRequiredService<Gatehouse.Provisioning.IdentityResolver>()
                .ResolveAsync(s, new Gatehouse.Provisioning.ImmutableKey.SignInSubject("iss-amb", "persistent-amb"), "old.name@contoso.com", "web", null, CancellationToken.None);
            Assert.Equal(Gatehouse.Provisioning.IdentityMatchKind.ByKey, match.Kind);
            Assert.Equal("old.name@contoso.com", match.User!.Username);
        }
    }

    private static int GetStatus(IResult result) => result switch
    {
        Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult => 302,
        Microsoft.AspNetCore.Http.IStatusCodeHttpResult sc => sc.StatusCode ?? 200,
        _ => -1,
    };
}
