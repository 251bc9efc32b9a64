using Gatehouse.Tenancy;

namespace Gatehouse.Accounts;

/// <summary>An API key; only its SHA-256 is stored, the key itself is shown once on create.</summary>
public sealed class ApiKey : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>First characters of the key, shown so people can tell keys apart.</summary>
    public required string DescriptiveLabel { get; set; }
    public required byte[] KeyHash { get; set; }
    public string PermissionSet { get; set; } = "full";
    public DateTime? ExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUseAt { get; set; }
}

public sealed class PublicKey : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public required string Title { get; set; }
    public required string KeyText { get; set; }
    public required string Algorithm { get; set; }
    public int Bits { get; set; }
    /// <summary>MD5 fingerprint, colon-separated hex (the classic OpenSSH form).</summary>
    public required string Fingerprint { get; set; }
    /// <summary>SHA-256 fingerprint, unpadded base64 (OpenSSH's <c>SHA256:</c> form without the prefix).</summary>
    public required string FingerprintSha256 { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastLoginAt { get; set; }
}
