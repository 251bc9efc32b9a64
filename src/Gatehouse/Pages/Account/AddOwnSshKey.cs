using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Account;

public sealed record AddOwnSshKeyRequest(string? Title, string? PublicKey);

/// <summary>Adds one OpenSSH public key line to the signed-in user, after <see cref="SshPublicKeyParser"/> accepts it.</summary>
public sealed class AddOwnSshKey(GatehouseDb db, TimeProvider time)
{
    /// <returns>The problems by field; empty when the key was added.</returns>
    public async Task<Dictionary<string, List<string>>> HandleAsync(User user, AddOwnSshKeyRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var title = request.Title?.Trim() ?? "";
        if (title.Length > 256) errors["title"] = ["must be at most 256 characters"];
        else if (title.Any(char.IsControl)) errors["title"] = ["must not contain control characters"];
        var parsed = SshPublicKeyParser.TryParse(request.PublicKey, out var problem);
        if (parsed is null) errors["public_key"] = [problem];
        else if (await db.PublicKeys.AnyAsync(k => k.FingerprintSha256 == parsed.FingerprintSha256, ct))
            errors["public_key"] = ["is already added on this site (fingerprint SHA256:" + parsed.FingerprintSha256 + ")"];
        if (errors.Count > 0) return errors;

        if (title.Length == 0) title = parsed!.Comment is { Length: > 0 and <= 256 } c && !c.Any(char.IsControl) ? c : parsed.Algorithm + " key";
        db.PublicKeys.Add(new PublicKey
        {
            UserId = user.Id, SiteId = user.SiteId, Title = title, KeyText = parsed!.Normalized, Algorithm = parsed.Algorithm, Bits = parsed.Bits,
            Fingerprint = parsed.FingerprintMd5, FingerprintSha256 = parsed.FingerprintSha256, CreatedAt = time.GetUtcNow().UtcDateTime,
        });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // Added at the same moment elsewhere: the unique index on (site, fingerprint) decides.
            db.ChangeTracker.Clear();
            errors["public_key"] = ["is already added on this site"];
        }
        return errors;
    }
}
