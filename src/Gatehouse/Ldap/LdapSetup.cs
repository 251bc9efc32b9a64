using Gatehouse.Providers;
using Microsoft.Extensions.Options;

namespace Gatehouse.Ldap;

public static class LdapSetup
{
    /// <summary>LDAP and Active Directory: the live password check, the protocol handler, test connection and directory sync.</summary>
    public static IServiceCollection AddLdap(this IServiceCollection services)
    {
        services.AddOptions<LdapOptions>().BindConfiguration(LdapOptions.Section)
            .PostConfigure<IHostEnvironment>((o, env) => o.AllowPlaintext ??= env.IsDevelopment());
        services.AddSingleton<IValidateOptions<LdapOptions>, LdapOptionsValidator>();
        services.AddOptions<LdapOptions>().ValidateOnStart();
        services.AddSingleton<LdapCaStore>();
        services.AddSingleton<LdapConcurrency>();
        services.AddSingleton<LdapConnector>();
        services.AddScoped<IDirectoryPasswordCheck, LdapPasswordCheck>();
        services.AddScoped<IProtocolHandler, LdapProtocolHandler>();
        services.AddScoped<LdapTestConnection>();
        services.AddScoped<LdapSync>();
        services.AddSingleton<LdapSyncScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<LdapSyncScheduler>());
        return services;
    }

    private sealed class LdapOptionsValidator : IValidateOptions<LdapOptions>
    {
        public ValidateOptionsResult Validate(string? name, LdapOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
