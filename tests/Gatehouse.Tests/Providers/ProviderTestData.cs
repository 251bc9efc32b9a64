using System.Net;
using Gatehouse.Accounts;
using Gatehouse.Sessions;
using Gatehouse.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Providers;

internal static class ProviderTestData
{
    public const string Strategies = HttpExtensions.Api + "/sso_strategies";

    public static object Saml(string label, string? issuer = null) => new
    {
        provider = "saml",
        label,
        saml_provider_issuer_url = issuer ?? $"https://idp.example.com/{Guid.NewGuid():N}",
        saml_provider_sso_target_url = "https://idp.example.com/sso",
        saml_provider_cert_fingerprint = new string('a', 64),
    };

    public static object OktaOidc(string label, string clientId) => new
    {
        provider = "okta", protocol = "oidc", label, subdomain = "acme-" + clientId, client_id = clientId, client_secret = "s3cret-value-" + clientId,
    };

    public static async Task<long> CreateAsync(HttpClient api, object body)
    {
        var r = await api.PostJson(Strategies, body);
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (long)(await r.Json())["id"]!;
    }

    public static async Task<long> CreateUserAsync(HttpClient api, string username, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["username"] = username };
        if (extra is not null)
            foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        var r = await api.PostJson(HttpExtensions.Api + "/users", body);
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (long)(await r.Json())["id"]!;
    }

    /// <summary>A live web session for a user, made directly (SSO sign-in itself belongs to the protocol handlers).</summary>
    public static async Task<string> WebSessionAsync(GatehouseServer server, TestSite site, long userId)
    {
        await using var scope = server.SiteScope(site.Id, out var db);
        var user = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(db.Users, u => u.Id == userId);
        var (_, token) = scope.ServiceProvider.GetRequiredService<SessionService>().Create(user, SessionService.WebKind, null);
        await db.SaveChangesAsync();
        return token;
    }

    public static HttpClient WithCookie(TestSite site, string token)
    {
        var c = site.Anonymous(cookies: false);
        c.DefaultRequestHeaders.Add("Cookie", "gh_session=" + token);
        return c;
    }
}
