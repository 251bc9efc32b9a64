using Gatehouse.Api;

namespace Gatehouse.Provisioning;

public static class ProvisioningSetup
{
    /// <summary>SCIM, JIT, the identity resolver, the circuit breaker and the request log.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services)
    {
        services.AddOptions<ScimOptions>().BindConfiguration(ScimOptions.Section)
            .Validate(o => o.MaxBodyBytes > 0 && o.MaxResults > 0 && o.DefaultCount >= 0, "Gatehouse:Scim sizes must be positive.")
            .Validate(o => o.CircuitBreaker.MaxShare is > 0 and <= 1 && o.CircuitBreaker.MinimumCount >= 0, "Gatehouse:Scim:CircuitBreaker needs 0 < MaxShare <= 1 and MinimumCount >= 0.")
            .ValidateOnStart();
        services.AddScoped<ScimAuthentication>();
        services.AddScoped<ScimRequestFilter>();
        services.AddScoped<ScimRequestLogger>();
        services.AddScoped<ScimUsers>();
        services.AddScoped<ScimGroups>();
        services.AddScoped<ScimCircuitBreaker>();
        services.AddScoped<IdentityResolver>();
        services.AddScoped<RequiredGroupRule>();
        services.AddScoped<JitProvisioning>();
        services.AddSingleton(sp => new ScimRequestLogQueue(sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<ILogger<ScimRequestLogQueue>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ScimRequestLogQueue>());
        services.AddSingleton<ScimLogPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<ScimLogPurge>());
        return services;
    }

    /// <summary>The SCIM service under <c>/api/scim</c> and the admin's REST resources for it.</summary>
    public static IEndpointRouteBuilder MapScim(this IEndpointRouteBuilder app)
    {
        app.MapScimRoutes();
        app.MapApiGroup().MapProvisioningApi();
        return app;
    }
}
