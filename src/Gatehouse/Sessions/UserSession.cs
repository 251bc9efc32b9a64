using Gatehouse.Accounts;
using Gatehouse.Tenancy;

namespace Gatehouse.Sessions;

/// <summary>
/// A server-side session. The client holds a random token; only its SHA-256 is stored, so a
/// database read does not yield usable sessions. Revocation is a row update, seen by every node.
/// </summary>
public sealed class UserSession : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public required byte[] TokenHash { get; set; }
    /// <summary><c>web</c> (cookie) or <c>api</c> (X-FilesAPI-Auth).</summary>
    public required string Kind { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }
}
