using Gatehouse.Tenancy;

namespace Gatehouse.Audit;

/// <summary>
/// One sign-in attempt, sync run or provider change (Files.com's <c>sso_events</c>):
/// who, how, from where, and why it failed. Never holds secrets.
/// </summary>
public sealed class SsoEvent : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>e.g. "Password Login", "SAML Login", "Provider Change".</summary>
    public required string EventType { get; set; }
    /// <summary><c>success</c>, <c>failure</c> or <c>partial_failure</c>.</summary>
    public required string Status { get; set; }
    /// <summary>Stable machine-readable reason for a failure (e.g. <c>invalid_password</c>).</summary>
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public long? UserId { get; set; }
    public string? Username { get; set; }
    public string? IdpUid { get; set; }
    public string? Provider { get; set; }
    public string? ProviderLabel { get; set; }
    public long? SsoStrategyId { get; set; }
    /// <summary>How the attempt came in: web, restapi, desktop, cli…</summary>
    public string? Interface { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    /// <summary>JSON details (redacted) for diagnostics.</summary>
    public string? Body { get; set; }
}
