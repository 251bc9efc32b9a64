using System.Net;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Ldap;

/// <summary>
/// A Gatehouse of its own (scheduled sync off, short timeouts) and a seeded slapd, shared by the LDAP tests. The tests
/// of this collection run one after another; those that change the directory work in an OU of their own.
/// </summary>
public sealed class LdapFixture : IAsyncLifetime
{
    public GatehouseServer Server { get; } = new();
    public SlapdServer Slapd { get; private set; } = null!;


    public async Task InitializeAsync()
    {
        Slapd = await SlapdServer.StartAsync();
        Server.Settings["Gatehouse:Ldap:ScheduledSync"] = "false";
        Server.Settings["Gatehouse:SignIn:AttemptsPerIp"] = "10000"; // many deliberate failures from 127.0.0.1
        Server.Settings["Gatehouse:Ldap:ConnectTimeout"] = "00:00:02";
        Server.Settings["Gatehouse:Ldap:OperationTimeout"] = "00:00:03";
        Server.Settings["Gatehouse:Ldap:CheckDeadline"] = "00:00:08";
        Server.Settings["Gatehouse:Ldap:PageSize"] = "4"; // slapd gives the service account 5 entries per search: more needs paging
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Slapd is not null) await Slapd.DisposeAsync();
    }

    /// <summary>An LDAP provider of the site pointing at the seeded directory; <paramref name="extra"/> overrides fields.</summary>
    public async Task<long> CreateProviderAsync(HttpClient api, Dictionary<string, object?>? extra = null, string? label = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["provider"] = "ldap", ["label"] = label ?? "Corp LDAP " + Guid.NewGuid().ToString("N")[..6], ["ldap_type"] = "open_ldap",
            ["ldap_host"] = Slapd.Host, ["ldap_port"] = Slapd.LdapPort, ["ldap_base_dn"] = SlapdServer.BaseDn,
            ["ldap_username"] = SlapdServer.ServiceDn, ["ldap_password"] = SlapdServer.ServicePassword, ["ldap_username_field"] = "uid",
        };
        foreach (var (k, v) in extra ?? []) body[k] = v;
        var r = await api.PostJson(HttpExtensions.Api + "/sso_strategies", body);
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (long)(await r.Json())["id"]!;
    }

    /// <summary>A Gatehouse user who signs in with the provider's directory password.</summary>
    public static async Task<long> CreateDirectoryUserAsync(HttpClient api, long providerId, string username)
    {
        var r = await api.PostJson(HttpExtensions.Api + "/users", new { username, authentication_method = "sso", sso_strategy_id = providerId });
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (long)(await r.Json())["id"]!;
    }
}

[CollectionDefinition(Name)]
public sealed class LdapCollection : ICollectionFixture<LdapFixture>
{
    public const string Name = "ldap";
}
