using Gatehouse.Accounts;
using Gatehouse.Tenancy;

namespace Gatehouse.Provisioning;

/// <summary>
/// What one provider's SCIM client knows about a user beyond the <see cref="User"/> row: the client's immutable
/// key (<c>externalId</c>), the SCIM attributes Gatehouse has no column for (name parts, title, every email,
/// the enterprise extension) so a GET returns what the IdP sent, and <c>meta.lastModified</c>.
/// <see cref="Deleted"/> marks a user DELETEd under <c>deprovision_behavior=disable</c>: kept (disabled) for the
/// site, gone for SCIM (RFC 7644 §3.6: a deleted resource answers 404), revived if the IdP creates it again.
/// </summary>
public sealed class ScimUserProfile : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long UserId { get; set; }
    public User? User { get; set; }
    public long SsoStrategyId { get; set; }
    public string? ExternalId { get; set; }
    /// <summary>JSON object of the client-owned attributes (never userName, active, id, meta or groups).</summary>
    public string? AttributesJson { get; set; }
    public bool Deleted { get; set; }
    /// <summary>
    /// The account is disabled only because it is in none of the provider's <c>provision_group_required</c> groups
    /// (see <see cref="RequiredGroupRule"/>): the IdP still sees it as active, and joining such a group enables it.
    /// </summary>
    public bool HeldForGroups { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A group that a provider manages (created through its SCIM client). Only these are visible to it.</summary>
public sealed class ScimGroupLink : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long GroupId { get; set; }
    public Group Group { get; set; } = null!;
    public long SsoStrategyId { get; set; }
    public string? ExternalId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One SCIM request, as Files.com's <c>ScimLog</c>: kept for the admin for a limited time, secrets redacted.</summary>
public sealed class ScimRequestLog : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    /// <summary>The provider whose credential was presented; null when authentication failed.</summary>
    public long? SsoStrategyId { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string RequestPath { get; set; }
    public required string RequestMethod { get; set; }
    public int HttpResponseCode { get; set; }
    public string? UserAgent { get; set; }
    public string? RequestJson { get; set; }
    public string? ResponseJson { get; set; }
}

/// <summary>One user deactivated (active=false, or DELETE) by a provider's SCIM client; the circuit breaker counts these.</summary>
public sealed class ScimDeactivation : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long SsoStrategyId { get; set; }
    public long UserId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// The mass-deprovisioning circuit breaker tripped for a provider: further deactivations answer 503 until an
/// admin approves (then deactivations flow for <c>ApprovedUntil</c>) — see <see cref="ScimCircuitBreaker"/>.
/// </summary>
public sealed class ScimHold : ISiteScoped
{
    public const string Held = "held";
    public const string Approved = "approved";

    public long Id { get; set; }
    public long SiteId { get; set; }
    public long SsoStrategyId { get; set; }
    public string Status { get; set; } = Held;
    public DateTime CreatedAt { get; set; }
    /// <summary>Deactivations refused while held (the IdP retries them).</summary>
    public int HeldCount { get; set; }
    public int ProviderUserCount { get; set; }
    public DateTime? ApprovedAt { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTime? ApprovedUntil { get; set; }
}
