using Gatehouse.Persistence;

namespace Gatehouse.Audit;

/// <summary>Writes <see cref="SsoEvent"/>s. Callers pass no secrets; the event is saved with the caller's unit of work.</summary>
public sealed class AuditLog(GatehouseDb db, TimeProvider time)
{
    public SsoEvent Add(string eventType, bool success, string? reason = null, string? message = null,
        long? userId = null, string? username = null, string? @interface = null, HttpContext? http = null,
        string? provider = null, string? providerLabel = null, long? ssoStrategyId = null, string? body = null, string? idpUid = null)
    {
        var e = new SsoEvent
        {
            CreatedAt = time.GetUtcNow().UtcDateTime,
            EventType = eventType,
            Status = success ? "success" : "failure",
            Reason = reason,
            Message = message is { Length: > 1000 } ? message[..1000] : message,
            UserId = userId,
            Username = username is { Length: > 128 } ? username[..128] : username,
            Interface = @interface,
            Ip = http?.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Truncate(http?.Request.Headers.UserAgent.ToString(), 512),
            Provider = provider,
            ProviderLabel = providerLabel,
            SsoStrategyId = ssoStrategyId,
            Body = body,
            IdpUid = Truncate(idpUid, 512),
        };
        db.SsoEvents.Add(e);
        return e;
    }

    private static string? Truncate(string? s, int max) => string.IsNullOrEmpty(s) ? null : s.Length > max ? s[..max] : s;
}

public static class SsoEventTypes
{
    public const string PasswordLogin = "Password Login";
    public const string SessionRevoked = "Session Revoked";
    public const string AccountChange = "Account Change";
    public const string ProviderChange = "Provider Change";
    public const string SsoLogin = "SSO Login";
    public const string LdapLogin = "LDAP Login";
    public const string LdapSync = "LDAP Sync";
}
