namespace Gatehouse.Saml;

/// <summary>SAML host log messages (event ids 4000–4099). Never logs assertions, NameIDs, keys or RelayState handles.</summary>
internal static partial class SamlLog
{
    [LoggerMessage(4000, LogLevel.Information, "SAML sign-in started for provider {StrategyId} (signed request: {Signed})")]
    public static partial void SignInStarted(ILogger logger, long strategyId, bool signed);

    [LoggerMessage(4001, LogLevel.Warning, "SAML response refused for provider {StrategyId} at stage {Stage}: {Reason} (sso_event {EventId})")]
    public static partial void ResponseRefused(ILogger logger, long? strategyId, string stage, string reason, long eventId);

    [LoggerMessage(4002, LogLevel.Information, "SAML response accepted for provider {StrategyId} (IdP-initiated: {IdpInitiated})")]
    public static partial void ResponseAccepted(ILogger logger, long strategyId, bool idpInitiated);

    [LoggerMessage(4010, LogLevel.Information, "SAML metadata refreshed for provider {StrategyId}")]
    public static partial void MetadataRefreshed(ILogger logger, long strategyId);

    [LoggerMessage(4011, LogLevel.Warning, "SAML metadata refresh failed for provider {StrategyId}: {Error}")]
    public static partial void MetadataRefreshFailed(ILogger logger, long strategyId, string error);

    [LoggerMessage(4012, LogLevel.Error, "SAML metadata refresh pass failed; retrying at the next tick")]
    public static partial void RefreshLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(4020, LogLevel.Warning, "SAML sign-in for provider {StrategyId} cannot start: {Problem}")]
    public static partial void NotConfigured(ILogger logger, long strategyId, string problem);
}
