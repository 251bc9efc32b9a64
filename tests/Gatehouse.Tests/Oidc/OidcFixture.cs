using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;

namespace Gatehouse.Tests.Oidc;

/// <summary>
/// The OIDC test world: the misbehaving provider, four real oidc-provider instances (Entra-, Okta-, OneLogin- and
/// Auth0-shaped), and a Gatehouse whose vendor presets point at them (<c>Gatehouse:Oidc:PresetIssuers</c>, the same
/// knob national clouds use).
/// </summary>
public sealed class OidcFixture : IAsyncLifetime
{
    public const string EntraTenant = "6f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b";
    public const string OtherTenant = "0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";
    public const string OktaAuthServer = "default";
    public const string OneLoginSubdomain = "acme";
    public const string Auth0Tenant = "acme.us.auth0.com";
    /// <summary>Auth0 user IDs are "{connection}|{id}"; OneLogin's are numbers.</summary>
    public const string Auth0Sub = "auth0|65a1f0c2e4b0a1b2c3d4e5f6";
    public const string OneLoginSub = "31337001";

    public NodeIdp Rogue { get; private set; } = null!;
    public NodeIdp Entra { get; private set; } = null!;
    public NodeIdp Okta { get; private set; } = null!;
    public NodeIdp OneLogin { get; private set; } = null!;
    public NodeIdp Auth0 { get; private set; } = null!;
    public GatehouseServer Server { get; } = new();

    public async Task InitializeAsync()
    {
        var starting = new[]
        {
            NodeIdp.StartAsync("rogue.mjs"),
            NodeIdp.StartAsync("provider.mjs", new
            {
                shape = "entra", tenant = EntraTenant,
                accounts = new Dictionary<string, object>
                {
                    ["alice"] = new { preferred_username = "alice@contoso.test", upn = "alice@contoso.test", oid = "0001-alice", tid = EntraTenant, email = "alice@contoso.test", name = "Alice Entra" },
                    ["mallory"] = new { preferred_username = "alice@contoso.test", upn = "alice@contoso.test", oid = "0002-mallory", tid = OtherTenant, email = "alice@contoso.test", name = "Mallory Other Tenant" },
                },
            }),
            NodeIdp.StartAsync("provider.mjs", new
            {
                shape = "okta", issuerPath = "/oauth2/" + OktaAuthServer,
                accounts = new Dictionary<string, object>
                {
                    ["bob"] = new { preferred_username = "bob@okta.test", email = "bob@okta.test", email_verified = true, name = "Bob Okta" },
                },
            }),
            NodeIdp.StartAsync("provider.mjs", new
            {
                shape = "onelogin", issuerPath = $"/{OneLoginSubdomain}/oidc/2",
                accounts = new Dictionary<string, object>
                {
                    [OneLoginSub] = new { preferred_username = "carol", email = "carol@acme.test", name = "Carol OneLogin", given_name = "Carol", family_name = "OneLogin", updated_at = 1764000000 },
                },
            }),
            NodeIdp.StartAsync("provider.mjs", new
            {
                shape = "auth0", tenant = Auth0Tenant,
                accounts = new Dictionary<string, object>
                {
                    [Auth0Sub] = new { email = "dave@auth0.test", email_verified = true, name = "Dave Auth0", nickname = "dave", picture = "https://s.gravatar.com/avatar/0.png", updated_at = "2026-11-01T10:00:00.000Z" },
                },
            }),
        };
        await Task.WhenAll(starting);
        (Rogue, Entra, Okta, OneLogin, Auth0) = (starting[0].Result, starting[1].Result, starting[2].Result, starting[3].Result, starting[4].Result);
        Server.Settings["Gatehouse:Oidc:PresetIssuers:azure"] = $"http://127.0.0.1:{Entra.Port}/{{subdomain}}/v2.0";
        Server.Settings["Gatehouse:Oidc:PresetIssuers:okta"] = $"http://127.0.0.1:{Okta.Port}/oauth2/{{subdomain}}";
        Server.Settings["Gatehouse:Oidc:PresetIssuers:onelogin"] = $"http://127.0.0.1:{OneLogin.Port}/{{subdomain}}/oidc/2";
        Server.Settings["Gatehouse:Oidc:PresetIssuers:auth0"] = $"http://127.0.0.1:{Auth0.Port}/{{subdomain}}/";
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        foreach (var idp in new[] { Rogue, Entra, Okta, OneLogin, Auth0 }) if (idp is not null) await idp.DisposeAsync();
    }

    /// <summary>Registers a client at a real provider (OpenID Dynamic Client Registration) for one Gatehouse callback.</summary>
    public static async Task<(string ClientId, string Secret)> RegisterClientAsync(NodeIdp idp, string redirectUri, string authMethod = "client_secret_basic")
    {
        using var c = idp.Client();
        var r = await c.PostAsJsonAsync("reg", new
        {
            redirect_uris = new[] { redirectUri }, token_endpoint_auth_method = authMethod,
            response_types = new[] { "code" }, grant_types = new[] { "authorization_code" },
        });
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Created, "registration failed: " + text);
        var body = JsonNode.Parse(text)!;
        return ((string)body["client_id"]!, (string)body["client_secret"]!);
    }
}

[CollectionDefinition(Name)]
public sealed class OidcCollection : ICollectionFixture<OidcFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "oidc";
}
