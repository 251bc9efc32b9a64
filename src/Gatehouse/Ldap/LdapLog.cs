namespace Gatehouse.Ldap;

/// <summary>LDAP log events (ids 6000–6099). Never passwords, never bind DNs with secrets.</summary>
public static partial class LdapLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "LDAP provider {StrategyId}: host {Host} failed ({Reason})")]
    public static partial void HostFailed(ILogger logger, long strategyId, string host, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "LDAP provider {StrategyId}: failed over from {FromHost} to {ToHost}")]
    public static partial void FailedOver(ILogger logger, long strategyId, string fromHost, string toHost);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "LDAP provider {StrategyId}: password check {Outcome} ({Reason})")]
    public static partial void Checked(ILogger logger, long strategyId, string outcome, string reason);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "LDAP sync of provider {StrategyId}: {Status} (created {Created}, updated {Updated}, disabled {Disabled})")]
    public static partial void SyncFinished(ILogger logger, long strategyId, string status, int created, int updated, int disabled);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "LDAP sync of provider {StrategyId} failed: {Reason}")]
    public static partial void SyncFailed(ILogger logger, long strategyId, string reason);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Error, Message = "Scheduled LDAP sync pass failed")]
    public static partial void SchedulerFailed(ILogger logger, Exception e);
}
