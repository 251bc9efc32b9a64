using Gatehouse.Api;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Saml;

/// <summary>The SAML 2.0 SP capability: handler, ACS, SP metadata, metadata refresh.</summary>
public static class SamlSetup
{
    public static IServiceCollection AddSaml(this IServiceCollection services)
    {
        services.AddOptions<SamlOptions>().BindConfiguration(SamlOptions.Section)
            .Validate(o => !o.Problems().Any(), "Gatehouse:Saml is invalid (see SamlOptions.Problems).")
            .ValidateOnStart();
        services.AddOutboundHttp();
        services.AddSingleton<SamlIdpConfigurations>();
        services.AddScoped<SpKeys>();
        services.AddScoped<SamlMetadataRefresh>();
        services.AddScoped<AcsDiagnostics>();
        services.AddScoped<SamlAcs>();
        services.AddScoped<SamlLogout>();
        services.AddScoped<IProtocolHandler, SamlProtocolHandler>();
        services.AddSingleton<SamlMetadataRefreshService>();
        services.AddHostedService(sp => sp.GetRequiredService<SamlMetadataRefreshService>());
        return services;
    }

    public static IEndpointRouteBuilder MapSaml(this IEndpointRouteBuilder app)
    {
        // ACS: a cross-site POST from the IdP, protected by the server-side request state (RelayState handle +
        // InResponseTo), not by antiforgery tokens (catalogue §6.4).
        app.MapPost("/saml/{id}/acs", (string id, HttpContext http, SamlAcs acs, CancellationToken ct) => acs.HandleAsync(http, id, ct))
            .DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/saml/{id}/acs", () => SsoSignInEndpoints.Page(405, "Sign-in refused",
            "The sign-in response must be posted by your identity provider (HTTP-POST binding). Please sign in again."))
            .ExcludeFromDescription();
        app.MapPost("/saml/{id}/continue", (string id, HttpContext http, SamlAcs acs, CancellationToken ct) => acs.ContinueAsync(http, id, ct))
            .DisableAntiforgery() // validated in ContinueAsync, with a page rather than a bare 400
            .ExcludeFromDescription();
        app.MapGet("/saml/{id}/metadata", SpMetadataAsync).ExcludeFromDescription();
        app.MapGet("/saml/{id}/slo", (string id, HttpContext http, SamlLogout logout, CancellationToken ct) => logout.HandleResponseAsync(http, id, ct))
            .ExcludeFromDescription();

        app.MapApiGroup().MapPost("/sso_strategies/{id}/refresh_metadata", RefreshMetadataAsync)
            .WithName("RefreshSsoStrategyMetadata").WithSummary("Re-fetch a SAML provider's IdP metadata now");
        return app;
    }

    /// <summary>The SP's EntityDescriptor for one provider (SAML Metadata §2.4.4): what the admin gives the IdP.</summary>
    private static async Task<IResult> SpMetadataAsync(string id, HttpContext http, GatehouseDb db, SpKeys spKeys, IOptions<GatehouseOptions> options, CancellationToken ct)
    {
        var s = long.TryParse(id, out var sid) ? await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid && x.Protocol == ProviderKinds.Saml, ct) : null;
        if (s is null) return SsoSignInEndpoints.Page(404, "Not found", "This address does not match any SAML provider of this site.");
        var keys = await spKeys.GetAsync(db, s, ct);
        var urls = SamlSpUrls.For(s, http.Request, options.Value);
        var xml = SpMetadataWriter.Write(new SpMetadataParameters
        {
            EntityId = urls.EntityId,
            AcsUrl = urls.AcsUrl,
            SloUrl = urls.SloUrl,
            NameIdFormats = ["urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"],
            SigningCertificates = keys.SigningCertificates,
            EncryptionCertificates = keys.EncryptionCertificates,
            AuthnRequestsSigned = SamlProviderOptions.Read(s).SignAuthnRequests == true,
            WantAssertionsSigned = true,
        });
        return Results.Text(xml, "application/samlmetadata+xml; charset=utf-8");
    }

    private static async Task<IResult> RefreshMetadataAsync(string id, HttpContext http, GatehouseDb db, SamlMetadataRefresh refresh, ProtocolHandlers handlers, CancellationToken ct)
    {
        if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
        var s = long.TryParse(id, out var sid) ? await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid, ct) : null;
        if (s is null) return ApiErrors.NotFound("sso-strategy");
        if (s.Protocol != ProviderKinds.Saml || s.SamlProviderMetadataUrl is null)
            return ApiErrors.Result(422, "processing-failure/no-metadata-url", "No Metadata Url", "This provider has no SAML metadata URL to refresh.");
        var error = await refresh.RefreshAsync(s, ct);
        await db.SaveChangesAsync(ct);
        if (error is not null)
            return ApiErrors.Result(422, "processing-failure/metadata-refresh-failed", "Metadata Refresh Failed",
                $"The metadata could not be refreshed; the last good configuration stays in use. {error}");
        var users = await db.Users.CountAsync(u => u.SsoStrategyId == s.Id, ct);
        return Results.Json(SsoStrategiesApi.ToJson(s, users, handlers, http), ApiJson.Options);
    }
}
