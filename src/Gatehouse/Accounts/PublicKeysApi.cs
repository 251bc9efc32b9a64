using Gatehouse.Api;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Accounts;

/// <summary>
/// Files.com <c>/public_keys</c> (also nested as <c>/users/{user_id}/public_keys</c>): OpenSSH public keys for
/// SFTP, checked by <see cref="SshPublicKeyParser"/>. Same ownership rules as API keys (<see cref="KeyOwnership"/>).
/// </summary>
public static class PublicKeysApi
{
    public static void MapPublicKeysApi(this RouteGroupBuilder api)
    {
        foreach (var (path, of) in new[] { ("/public_keys", ""), ("/users/{user_id}/public_keys", "User") })
        {
            api.MapGet(path, List).WithName($"List{of}PublicKeys").WithSummary("List SSH public keys (your own, or a user's for site admins)");
            api.MapGet(path + "/{id}", Show).WithName($"Show{of}PublicKey").WithSummary("Show an SSH public key");
            api.MapPost(path, Create).WithName($"Create{of}PublicKey").WithSummary("Add an OpenSSH public key (ed25519, ecdsa, rsa ≥ 2048)");
            api.MapMethods(path + "/{id}", ["PATCH", "PUT"], Update).WithName($"Update{of}PublicKey").WithSummary("Change an SSH public key's title");
            api.MapDelete(path + "/{id}", Delete).WithName($"Delete{of}PublicKey").WithSummary("Delete an SSH public key");
        }
    }

    private static Task<IResult> List(HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (userId, error) = await KeyOwnership.TargetUserAsync(http, db, input, ct);
        if (error is not null) return error;
        var page = ApiPage.From(input, out error);
        if (page is null) return error!;
        var query = db.PublicKeys.Where(k => k.UserId == userId && k.Id > page.AfterId).OrderBy(k => k.Id).Select(PublicKeyJson.Projection);
        return Results.Json(await page.ReadAsync(query, k => k.Id, http, ct), ApiJson.Options);
    });

    private static Task<IResult> Show(string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (key, error) = await FindAsync(id, http, db, ct);
        return error ?? await JsonAsync(db, key!.Id, 200, ct);
    });

    private static Task<IResult> Create(HttpContext http, GatehouseDb db, AuditLog audit, TimeProvider time, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        // 1. Whose key, and may the caller add it.
        var (userId, error) = await KeyOwnership.TargetUserAsync(http, db, input, ct);
        if (error is not null) return error;
        // 2. The fields. Files.com can also generate a key pair; we never hold private keys, so that is refused.
        if (input.Bool("generate_keypair") == true) input.AddError("generate_keypair", "is not supported; upload an OpenSSH public key instead");
        var title = KeyOwnership.Label(input, "title", required: true);
        var line = input.String("public_key", 16384, required: true);
        var parsed = line is null ? null : SshPublicKeyParser.TryParse(line, out var problem) ?? Fail(input, problem);
        if (parsed is not null && await db.PublicKeys.AnyAsync(k => k.FingerprintSha256 == parsed.FingerprintSha256, ct))
            input.AddError("public_key", $"is already added on this site (fingerprint SHA256:{parsed.FingerprintSha256})");
        if (!input.IsValid) return ApiErrors.Invalid(input);
        // 3. Save; the unique index on (site, fingerprint) settles a race between two adds of one key.
        var username = await db.Users.Where(u => u.Id == userId).Select(u => u.Username).FirstAsync(ct);
        var key = new PublicKey
        {
            UserId = userId, Title = title!, KeyText = parsed!.Normalized, Algorithm = parsed.Algorithm, Bits = parsed.Bits,
            Fingerprint = parsed.FingerprintMd5, FingerprintSha256 = parsed.FingerprintSha256, CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.PublicKeys.Add(key);
        audit.Add(SsoEventTypes.AccountChange, true, "public_key_created", $"SSH key \"{key.Title}\" (SHA256:{key.FingerprintSha256}) added by {http.User.Identity!.Name}", userId, username, "restapi", http);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            input.AddError("public_key", "is already added on this site");
            return ApiErrors.Invalid(input);
        }
        return await JsonAsync(db, key.Id, 201, ct);
    });

    private static Task<IResult> Update(string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (key, error) = await FindAsync(id, http, db, ct);
        if (error is not null) return error;
        var title = KeyOwnership.Label(input, "title", required: false);
        if (!input.IsValid) return ApiErrors.Invalid(input);
        if (title is not null) key!.Title = title;
        await db.SaveChangesAsync(ct);
        return await JsonAsync(db, key!.Id, 200, ct);
    });

    private static Task<IResult> Delete(string id, HttpContext http, GatehouseDb db, AuditLog audit, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (key, error) = await FindAsync(id, http, db, ct);
        if (error is not null) return error;
        var owner = await db.Users.Where(u => u.Id == key!.UserId).Select(u => u.Username).FirstAsync(ct);
        db.PublicKeys.Remove(key!);
        audit.Add(SsoEventTypes.AccountChange, true, "public_key_deleted", $"SSH key \"{key!.Title}\" (SHA256:{key.FingerprintSha256}) deleted by {http.User.Identity!.Name}", key.UserId, owner, "restapi", http);
        await db.SaveChangesAsync(ct);
        return Results.NoContent();
    });

    private static async Task<(PublicKey? Key, IResult? Error)> FindAsync(string id, HttpContext http, GatehouseDb db, CancellationToken ct)
    {
        var (ownerId, error) = KeyOwnership.VisibleOwner(http);
        if (error is not null) return (null, error);
        if (!long.TryParse(id, out var keyId) || keyId < 1) return (null, ApiErrors.NotFound("public-key"));
        var key = await db.PublicKeys.FirstOrDefaultAsync(k => k.Id == keyId && (ownerId == null || k.UserId == ownerId), ct);
        return key is null ? (null, ApiErrors.NotFound("public-key")) : (key, null);
    }

    private static async Task<IResult> JsonAsync(GatehouseDb db, long id, int status, CancellationToken ct) =>
        Results.Json(await db.PublicKeys.Where(k => k.Id == id).Select(PublicKeyJson.Projection).FirstAsync(ct), ApiJson.Options, statusCode: status);

    private static ParsedSshKey? Fail(ApiInput input, string problem)
    {
        input.AddError("public_key", problem);
        return null;
    }
}
