using Gatehouse.Api;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Accounts;

/// <summary>
/// Files.com <c>/api_keys</c> (also nested as <c>/users/{user_id}/api_keys</c>) and <c>/api_key</c>, the key
/// of the current request. API keys are how SSO users reach FTP, SFTP and the API, so every user may manage
/// their own; site admins manage everyone's (<see cref="KeyOwnership"/>). The key itself is shown once.
/// </summary>
public static class ApiKeysApi
{
    public static readonly string[] PermissionSets = ["full", "desktop_app", "files_only", "office_integration"];

    public static void MapApiKeysApi(this RouteGroupBuilder api)
    {
        foreach (var (path, of) in new[] { ("/api_keys", ""), ("/users/{user_id}/api_keys", "User") })
        {
            api.MapGet(path, List).WithName($"List{of}ApiKeys").WithSummary("List API keys (your own, or a user's for site admins)");
            api.MapGet(path + "/{id}", Show).WithName($"Show{of}ApiKey").WithSummary("Show an API key");
            api.MapPost(path, Create).WithName($"Create{of}ApiKey").WithSummary("Create an API key; the key is returned only here");
            api.MapMethods(path + "/{id}", ["PATCH", "PUT"], Update).WithName($"Update{of}ApiKey").WithSummary("Change an API key's name, description or expiry");
            api.MapDelete(path + "/{id}", Delete).WithName($"Delete{of}ApiKey").WithSummary("Delete an API key");
        }
        api.MapGet("/api_key", ShowCurrent).WithName("ShowCurrentApiKey").WithSummary("Show the API key of this request");
        api.MapMethods("/api_key", ["PATCH", "PUT"], UpdateCurrent).WithName("UpdateCurrentApiKey").WithSummary("Change the API key of this request");
        api.MapDelete("/api_key", DeleteCurrent).WithName("DeleteCurrentApiKey").WithSummary("Delete the API key of this request");
    }

    private static Task<IResult> List(HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (userId, error) = await KeyOwnership.TargetUserAsync(http, db, input, ct);
        if (error is not null) return error;
        var page = ApiPage.From(input, out error);
        if (page is null) return error!;
        var query = db.ApiKeys.Where(k => k.UserId == userId && k.Id > page.AfterId).OrderBy(k => k.Id).Select(ApiKeyJson.Projection);
        return Results.Json(await page.ReadAsync(query, k => k.Id, http, ct), ApiJson.Options);
    });

    private static Task<IResult> Show(string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (key, error) = await FindAsync(id, http, db, ct);
        return error ?? Results.Json(ApiKeyJson.From(key!), ApiJson.Options);
    });

    private static Task<IResult> Create(HttpContext http, GatehouseDb db, AuditLog audit, TimeProvider time, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        // 1. Whose key, and may the caller make it.
        var (userId, error) = await KeyOwnership.TargetUserAsync(http, db, input, ct);
        if (error is not null) return error;
        // 2. The fields, all checked before anything is written.
        var now = time.GetUtcNow().UtcDateTime;
        var name = KeyOwnership.Label(input, "name", required: true);
        var description = input.String("description", 2000);
        var expiresAt = ExpiresAt(input, now);
        var permissionSet = input.Enum("permission_set", PermissionSets) ?? "full";
        if (!input.IsValid) return ApiErrors.Invalid(input);
        // 3. Make it; only the hash is stored (ApiKeys.New), the key goes back once.
        var user = await db.Users.FirstAsync(u => u.Id == userId, ct);
        var (entity, key) = ApiKeys.New(user, name!, now, Blank(description), expiresAt, permissionSet);
        db.ApiKeys.Add(entity);
        audit.Add(SsoEventTypes.AccountChange, true, "api_key_created", $"API key \"{entity.Name}\" ({entity.DescriptiveLabel}) created by {http.User.Identity!.Name}", user.Id, user.Username, "restapi", http);
        await db.SaveChangesAsync(ct);
        return Results.Json(ApiKeyJson.From(entity, key), ApiJson.Options, statusCode: 201);
    });

    private static Task<IResult> Update(string id, HttpContext http, GatehouseDb db, TimeProvider time, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (key, error) = await FindAsync(id, http, db, ct);
        return error ?? await ApplyUpdateAsync(key!, input, db, time, ct);
    });

    private static Task<IResult> Delete(string id, HttpContext http, GatehouseDb db, AuditLog audit, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (key, error) = await FindAsync(id, http, db, ct);
        return error ?? await RemoveAsync(key!, http, db, audit, ct);
    });

    private static Task<IResult> ShowCurrent(HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (key, error) = await CurrentAsync(http, db, ct);
        return error ?? Results.Json(ApiKeyJson.From(key!), ApiJson.Options);
    });

    private static Task<IResult> UpdateCurrent(HttpContext http, GatehouseDb db, TimeProvider time, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (key, error) = await CurrentAsync(http, db, ct);
        return error ?? await ApplyUpdateAsync(key!, input, db, time, ct);
    });

    private static Task<IResult> DeleteCurrent(HttpContext http, GatehouseDb db, AuditLog audit, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        var (key, error) = await CurrentAsync(http, db, ct);
        return error ?? await RemoveAsync(key!, http, db, audit, ct);
    });

    private static async Task<IResult> ApplyUpdateAsync(ApiKey key, ApiInput input, GatehouseDb db, TimeProvider time, CancellationToken ct)
    {
        var name = KeyOwnership.Label(input, "name", required: false);
        var description = input.String("description", 2000);
        var expiresAt = ExpiresAt(input, time.GetUtcNow().UtcDateTime);
        if (!input.IsValid) return ApiErrors.Invalid(input);
        if (name is not null) key.Name = name;
        if (description is not null) key.Description = Blank(description);
        if (input.Has("expires_at")) key.ExpiresAt = expiresAt;
        await db.SaveChangesAsync(ct);
        return Results.Json(ApiKeyJson.From(key), ApiJson.Options);
    }

    private static async Task<IResult> RemoveAsync(ApiKey key, HttpContext http, GatehouseDb db, AuditLog audit, CancellationToken ct)
    {
        db.ApiKeys.Remove(key);
        var owner = await db.Users.Where(u => u.Id == key.UserId).Select(u => u.Username).FirstAsync(ct);
        audit.Add(SsoEventTypes.AccountChange, true, "api_key_deleted", $"API key \"{key.Name}\" ({key.DescriptiveLabel}) deleted by {http.User.Identity!.Name}", key.UserId, owner, "restapi", http);
        await db.SaveChangesAsync(ct);
        return Results.NoContent();
    }

    /// <summary>A key by id among those the caller may see; anything else is "not found", whoever owns it.</summary>
    private static async Task<(ApiKey? Key, IResult? Error)> FindAsync(string id, HttpContext http, GatehouseDb db, CancellationToken ct)
    {
        var (ownerId, error) = KeyOwnership.VisibleOwner(http);
        if (error is not null) return (null, error);
        if (!long.TryParse(id, out var keyId) || keyId < 1) return (null, ApiErrors.NotFound("api-key"));
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && (ownerId == null || k.UserId == ownerId), ct);
        return key is null ? (null, ApiErrors.NotFound("api-key")) : (key, null);
    }

    /// <summary>The key that authenticated this request (Files.com <c>/api_key</c>).</summary>
    private static async Task<(ApiKey? Key, IResult? Error)> CurrentAsync(HttpContext http, GatehouseDb db, CancellationToken ct)
    {
        if (http.User.FindFirst(GatehouseAuthenticationHandler.CredentialClaim)?.Value != "api_key")
            return (null, ApiErrors.BadRequest("not-authenticated-by-api-key", "This request is not authenticated with an API key (X-FilesAPI-Key), so there is no current key."));
        var hash = SessionTokens.Hash(http.Request.Headers["X-FilesAPI-Key"].ToString());
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.KeyHash == hash, ct);
        return key is null ? (null, ApiErrors.NotFound("api-key")) : (key, null);
    }

    /// <summary><c>expires_at</c>: absent or empty means never; otherwise it must lie in the future.</summary>
    private static DateTime? ExpiresAt(ApiInput input, DateTime now)
    {
        var t = input.Time("expires_at");
        if (t is { } at && at <= now) { input.AddError("expires_at", "must be in the future"); return null; }
        return t;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
