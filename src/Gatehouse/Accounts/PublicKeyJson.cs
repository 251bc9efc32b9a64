using System.Linq.Expressions;

namespace Gatehouse.Accounts;

/// <summary>The Files.com <c>PublicKey</c> object (an SSH key for SFTP).</summary>
public sealed record PublicKeyJson(
    long Id, string Title, DateTime CreatedAt, string Fingerprint, string FingerprintSha256, string Status,
    DateTime? LastLoginAt, string Username, long UserId)
{
    public static Expression<Func<PublicKey, PublicKeyJson>> Projection => k => new PublicKeyJson(
        k.Id, k.Title, k.CreatedAt, k.Fingerprint, k.FingerprintSha256, "valid", k.LastLoginAt, k.User.Username, k.UserId);
}
