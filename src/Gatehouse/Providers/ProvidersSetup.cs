namespace Gatehouse.Providers;

public static class ProvidersSetup
{
    /// <summary>The SSO providers capability. Protocol capabilities register their <see cref="IProtocolHandler"/> beside this.</summary>
    public static IServiceCollection AddProviders(this IServiceCollection services)
    {
        services.AddSingleton<ProviderSecrets>();
        services.AddScoped<ProtocolHandlers>();
        services.AddScoped<SsoStrategyChanges>();
        services.AddScoped<ProviderRules>();
        services.AddScoped<ProviderLifecycle>();
        services.AddScoped<SaveSsoStrategy>();
        services.AddScoped<RemoveSsoStrategy>();
        services.AddScoped<SsoFlows>();
        services.AddScoped<ReplayCache>();
        services.AddScoped<CompleteSsoSignIn>();
        services.AddScoped<Sessions.WebSignIn>();
        return services;
    }
}
