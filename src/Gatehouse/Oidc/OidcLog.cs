namespace Gatehouse.Oidc;

/// <summary>OIDC log events (ids 5000–5099). Never tokens, codes, secrets or claims.</summary>
public static partial class OidcLog
{
    [LoggerMessage(5000, LogLevel.Information, "OIDC discovery refreshed for provider {StrategyId} ({Issuer})")]
    public static partial void DiscoveryRefreshed(ILogger logger, long strategyId, string issuer);

    [LoggerMessage(5001, LogLevel.Warning, "OIDC discovery failed for provider {StrategyId} ({Issuer}): {Problem}")]
    public static partial void DiscoveryFailed(ILogger logger, long strategyId, string issuer, string problem);

    [LoggerMessage(5002, LogLevel.Information, "OIDC JWKS re-fetched for provider {StrategyId} after an unknown kid; succeeded: {Succeeded}")]
    public static partial void JwksRefreshed(ILogger logger, long strategyId, bool succeeded);

    [LoggerMessage(5003, LogLevel.Debug, "OIDC sign-in started for provider {StrategyId} (response_mode {ResponseMode})")]
    public static partial void SignInStarted(ILogger logger, long strategyId, string responseMode);

    [LoggerMessage(5004, LogLevel.Information, "OIDC callback refused for provider {StrategyId}: {Reason}")]
    public static partial void CallbackRefused(ILogger logger, long strategyId, string reason);

    [LoggerMessage(5005, LogLevel.Debug, "OIDC ID token validated for provider {StrategyId}")]
    public static partial void TokenValidated(ILogger logger, long strategyId);
}
