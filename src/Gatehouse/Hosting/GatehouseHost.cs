using Gatehouse.Accounts;
using Gatehouse.Api;
using Gatehouse.Audit;
using Gatehouse.Import;
using Gatehouse.Persistence;
using Gatehouse.Oidc;
using Gatehouse.Providers;
using Gatehouse.Provisioning;
using Gatehouse.Sessions;
using Gatehouse.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;

namespace Gatehouse.Hosting;

/// <summary>Composition root: one AddX()/MapX() per capability. Used by <c>serve</c> and by the tests.</summary>
public static class GatehouseHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Pages are discovered from the application assembly; name it, since tests host us from theirs.
            ApplicationName = typeof(GatehouseHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            // The embedded default is a developer's machine: http URLs, loopback IdPs allowed. Deployments set the environment.
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Development,
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls("http://localhost:5080");
        configure?.Invoke(builder);

        var services = builder.Services;
        var isDev = builder.Environment.IsDevelopment();
        services.AddOptions<GatehouseOptions>().BindConfiguration(GatehouseOptions.Section)
            .PostConfigure(o =>
            {
                o.PublicScheme ??= isDev ? "http" : "https";
                o.Outbound.AllowHttp ??= isDev;
                o.Outbound.AllowPrivateNetworks ??= isDev;
            })
            .Validate(o => o.PublicScheme is "http" or "https", "Gatehouse:PublicScheme must be http or https.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.BaseDomain), "Gatehouse:BaseDomain is required.")
            .ValidateOnStart();
        services.AddOptions<PlanOptions>().Configure<IConfiguration>((o, c) => c.GetSection(PlanOptions.Section).Bind(o.Plans))
            .Validate(o => o.Plans.ContainsKey(PlanNames.Starter) && o.Plans.ContainsKey(PlanNames.Power) && o.Plans.ContainsKey(PlanNames.Premier),
                "Gatehouse:Plans must define starter, power and premier.")
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddScoped<CurrentSite>();
        services.AddGatehouseDatabase(builder.Configuration);
        services.AddDataProtection().SetApplicationName("Gatehouse").PersistKeysToDbContext<GatehouseDb>();
        services.AddHealthChecks().AddDbContextCheck<GatehouseDb>("database");

        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<PasswordPolicy>();
        services.AddScoped<UserChanges>();
        services.AddScoped<AuditLog>();
        services.AddScoped<SessionService>();
        services.AddSingleton<SessionCookie>();
        services.AddScoped<PasswordSignIn>();
        services.AddProviders();
        Gatehouse.Ldap.LdapSetup.AddLdap(services);
        services.AddImport();
        services.AddProvisioning();
        Gatehouse.Saml.SamlSetup.AddSaml(services);
        services.AddOidc();

        services.AddAuthentication(GatehouseAuthenticationHandler.Scheme)
            .AddScheme<AuthenticationSchemeOptions, GatehouseAuthenticationHandler>(GatehouseAuthenticationHandler.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy("SiteAdmin", p => p.RequireAuthenticatedUser().RequireClaim(GatehouseAuthenticationHandler.SiteAdminClaim, "true"));
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Admin", "SiteAdmin");
            o.Conventions.AuthorizeFolder("/Account");
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "gh_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
        });
        services.AddOpenApi("v1");
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k =>
        {
            k.Limits.MaxRequestBodySize = 32 * 1024 * 1024;
            k.AddServerHeader = false;
        });

        var app = builder.Build();
        app.UseExceptionHandler(e => e.Run(WriteUnhandledError));
        app.UseStatusCodePages(async ctx =>
        {
            // Routing misses under /api get the Files.com error shape rather than an empty body.
            var http = ctx.HttpContext;
            if (http.Request.Path.StartsWithSegments("/api") && !http.Response.HasStarted && http.Response.ContentLength is null && http.Response.ContentType is null)
            {
                var code = http.Response.StatusCode;
                if (code == 404) await ApiErrors.Write(http, 404, "not-found", "Not Found", "No such API endpoint.");
                else if (code == 405) await ApiErrors.Write(http, 405, "bad-request/method-not-allowed", "Method Not Allowed", "This endpoint does not support that HTTP method.");
                else if (code == 400) await ApiErrors.Write(http, 400, "bad-request/invalid-request", "Invalid Request", "The request is malformed.");
            }
        });
        app.MapHealthChecks("/healthz");
        app.UseMiddleware<SiteResolutionMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi(ApiEndpoints.Prefix + "/openapi.json");
        var api = app.MapApiGroup();
        // REST resources (CONTRACT §2), one line per resource.
        api.MapUsersApi();
        app.MapSessionsApi(api);
        api.MapSsoStrategiesApi();
        Gatehouse.Ldap.LdapApi.MapLdapApi(api);
        api.MapUserImportsApi();
        api.MapGroupsApi();
        api.MapGroupUsersApi();
        api.MapApiKeysApi();
        api.MapPublicKeysApi();
        api.MapSsoEventsApi();
        api.MapUserSessionsApi();
        app.MapSiteAssets();
        app.MapSsoSignIn();
        app.MapScim();
        Gatehouse.Saml.SamlSetup.MapSaml(app);
        app.MapOidc();
        app.MapRazorPages();
        return app;
    }

    private static async Task WriteUnhandledError(HttpContext http)
    {
        var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        // Kestrel's own refusals (body too large, malformed request) are the client's fault: 4xx.
        var status = error is BadHttpRequestException bad ? bad.StatusCode : 500;
        if (http.Request.Path.StartsWithSegments("/api"))
            await ApiErrors.Write(http, status, status == 500 ? "processing-failure/internal-error" : "bad-request/invalid-request",
                status == 500 ? "Internal Error" : "Invalid Request",
                status == 500 ? "Something went wrong on our side; the request was not applied." : "The request could not be read.");
        else
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(status == 500
                ? "<!doctype html><title>Error</title><h1>Something went wrong</h1><p>The request was not applied. Please try again.</p>"
                : "<!doctype html><title>Bad request</title><h1>Bad request</h1><p>The request could not be read.</p>");
        }
    }
}
