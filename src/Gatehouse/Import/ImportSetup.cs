namespace Gatehouse.Import;

public static class ImportSetup
{
    /// <summary>Bulk import: options, the runner, and the background worker that claims queued imports on this node.</summary>
    public static IServiceCollection AddImport(this IServiceCollection services)
    {
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section)
            .Validate(o => o.MaxFileBytes > 0 && o.MaxRows > 0 && o.BatchSize is > 0 and <= 10_000 && o.MaxStoredIssues > 0
                           && o.PollInterval > TimeSpan.Zero && o.StaleAfter >= TimeSpan.FromSeconds(4) && o.MaxAttempts > 0,
                "Gatehouse:Import: MaxFileBytes, MaxRows, MaxStoredIssues and MaxAttempts must be positive, BatchSize 1–10000, PollInterval positive, StaleAfter at least 4 seconds.")
            .ValidateOnStart();
        services.AddSingleton<ImportProgressBoard>();
        services.AddSingleton<ImportSignal>();
        services.AddSingleton<UserImportRunner>();
        services.AddHostedService<ImportWorker>();
        return services;
    }
}
