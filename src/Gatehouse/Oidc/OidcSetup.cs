using Gatehouse.Api;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Oidc;

public static class OidcSetup
{
    /// <summary>The OIDC capability: its protocol handler, discovery cache, token validation and callback.</summary>
    public static IServiceCollection AddOidc(this IServiceCollection services)
    {
        services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section)
            .Validate(o => o.PresetIssuers.Values.All(t => Uri.TryCreate(t.Replace("{subdomain}", "x"), UriKind.Absolute, out _)),
                "Gatehouse:Oidc:PresetIssuers values must be absolute URLs (with {subdomain}).")
            .ValidateOnStart();
        services.AddOutboundHttp();
        services.AddSingleton<OidcTokenClient>();
        services.AddSingleton<OidcKeyCache>();
        services.AddSingleton<OidcIdTokenValidator>();
        services.AddScoped<OidcDiscovery>();
        services.AddScoped<OidcCallback>();
        services.AddScoped<IProtocolHandler, OidcProtocolHandler>();
        return services;
    }

    public static void MapOidc(this IEndpointRouteBuilder app)
    {
        app.MapOidcCallback();
        // GET /oidc/{id}/jwks: the public keys of private_key_jwt client authentication, for the IdP's client registration.
        app.MapGet("/oidc/{id}/jwks", async (string id, GatehouseDb db, Saml.SpKeys spKeys, CancellationToken ct) =>
        {
            var s = long.TryParse(id, out var sid) ? await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid && x.Protocol == ProviderKinds.Oidc, ct) : null;
            if (s is null || OidcSettings.Options(s).ClientAuthMethod != OidcProtocolOptions.PrivateKeyJwt) return Results.NotFound();
            var keys = await spKeys.GetAsync(db, s, ct);
            return Results.Json(OidcClientAssertion.Jwks(keys.SigningCertificates), contentType: "application/jwk-set+json");
        }).ExcludeFromDescription();
        // POST /sso_strategies/{id}/refresh_discovery: "Test connection" — fetch discovery + JWKS now and say what failed.
        app.MapApiGroup().MapPost("/sso_strategies/{id}/refresh_discovery", async (string id, HttpContext http, GatehouseDb db,
            OidcDiscovery discovery, ProtocolHandlers handlers, CancellationToken ct) =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var s = long.TryParse(id, out var sid) ? await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid, ct) : null;
            if (s is null) return ApiErrors.NotFound("sso-strategy");
            if (s.Protocol != ProviderKinds.Oidc)
                return ApiErrors.BadRequest("not-oidc", "Only OpenID Connect providers have a discovery document to refresh.");
            var result = await discovery.GetAsync(s, force: true, ct);
            if (!result.Succeeded)
                return ApiErrors.Result(422, "processing-failure/oidc-discovery-failed", "OIDC Discovery Failed", result.Error!);
            var users = await db.Users.CountAsync(u => u.SsoStrategyId == s.Id, ct);
            return Results.Json(SsoStrategiesApi.ToJson(s, users, handlers, http), ApiJson.Options);
        }).WithName("RefreshSsoStrategyDiscovery").WithSummary("Fetch an OIDC provider's discovery document and signing keys now (test connection)");
    }
}
