using Gatehouse.Api;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Accounts;

/// <summary>Files.com <c>/users</c>: list, show, create, update, delete, unlock. Site admins only, except showing yourself.</summary>
public static class UsersApi
{
    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/users", (HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var page = ApiPage.From(input, out var error);
            if (page is null) return error!;
            var query = db.Users.Where(u => u.Id > page.AfterId);
            if (input.String("search", 128) is { Length: > 0 } search)
            {
                var s = search.ToLowerInvariant();
                query = query.Where(u => u.UsernameNormalized.Contains(s) || (u.Email != null && u.Email.ToLower().Contains(s)) || (u.Name != null && u.Name.ToLower().Contains(s)));
            }
            if (input.String("filter[username]", 128) is { Length: > 0 } fu) query = query.Where(u => u.UsernameNormalized == User.Normalize(fu));
            if (input.Bool("filter[site_admin]") is { } fa) query = query.Where(u => u.SiteAdmin == fa);
            if (input.Bool("filter[disabled]") is { } fd) query = query.Where(u => u.Disabled == fd);
            if (!input.IsValid) return ApiErrors.Invalid(input);
            var rows = await page.ReadAsync(query.OrderBy(u => u.Id).Select(UserJson.Projection), u => u.Id, http, ct);
            return Results.Json(rows, ApiJson.Options);
        }));

        api.MapGet("/users/{id}", async (string id, HttpContext http, GatehouseDb db, CancellationToken ct) =>
        {
            if (!long.TryParse(id, out var userId) || userId < 1) return ApiErrors.NotFound("user");
            if (!ApiEndpoints.IsAdmin(http) && http.User.UserId() != userId) return ApiErrors.SiteAdminRequired();
            var user = await db.Users.Where(u => u.Id == userId).Select(UserJson.Projection).FirstOrDefaultAsync(ct);
            return user is null ? ApiErrors.NotFound("user") : Results.Json(user, ApiJson.Options);
        });

        api.MapPost("/users", (HttpContext http, GatehouseDb db, UserChanges changes, TimeProvider time, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var user = new User { Username = "", UsernameNormalized = "", CreatedAt = time.GetUtcNow().UtcDateTime };
            await changes.ApplyAsync(user, input, creating: true, ct);
            if (!input.IsValid) return ApiErrors.Invalid(input);
            db.Users.Add(user);
            if (!await TrySaveAsync(db, input, ct)) return ApiErrors.Invalid(input);
            return Results.Json(await db.Users.Where(u => u.Id == user.Id).Select(UserJson.Projection).FirstAsync(ct), ApiJson.Options, statusCode: 201);
        }));

        api.MapMethods("/users/{id}", ["PATCH", "PUT"], (string id, HttpContext http, GatehouseDb db, UserChanges changes, SessionService sessions, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var userId)) return ApiErrors.NotFound("user");
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
            if (user is null) return ApiErrors.NotFound("user");
            var wasDisabled = user.Disabled;
            var oldMethod = (user.AuthenticationMethod, user.SsoStrategyId);
            await changes.ApplyAsync(user, input, creating: false, ct);
            if (!input.IsValid) return ApiErrors.Invalid(input);
            if (!await AdminGuard.HoldsAsync(db, ct)) return ApiErrors.Conflict("last-password-admin", AdminGuard.Message);
            if (!await TrySaveAsync(db, input, ct)) return ApiErrors.Invalid(input);
            // A disabled user, or one whose way of signing in changed, loses every open session at once.
            if (user.Disabled && !wasDisabled || oldMethod != (user.AuthenticationMethod, user.SsoStrategyId))
                await sessions.RevokeAllForUserAsync(user.Id, user.Disabled ? "user_disabled" : "authentication_method_changed", ct);
            return Results.Json(await db.Users.Where(u => u.Id == user.Id).Select(UserJson.Projection).FirstAsync(ct), ApiJson.Options);
        }));

        // Delete and unlock read their (unused) body too, so a malformed request is refused rather than acted on.
        api.MapDelete("/users/{id}", (string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async _ =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var userId)) return ApiErrors.NotFound("user");
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
            if (user is null) return ApiErrors.NotFound("user");
            db.Users.Remove(user);
            if (!await AdminGuard.HoldsAsync(db, ct)) return ApiErrors.Conflict("last-password-admin", AdminGuard.Message);
            await db.SaveChangesAsync(ct);
            return Results.NoContent();
        }));

        api.MapPost("/users/{id}/unlock", (string id, HttpContext http, GatehouseDb db, AuditLog audit, CancellationToken ct) => ApiEndpoints.WithInput(http, async _ =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var userId)) return ApiErrors.NotFound("user");
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
            if (user is null) return ApiErrors.NotFound("user");
            user.LockoutExpires = null;
            user.FailedLoginCount = 0;
            audit.Add(SsoEventTypes.AccountChange, true, "unlocked", $"Unlocked by {http.User.Identity!.Name}", user.Id, user.Username, "restapi", http);
            await db.SaveChangesAsync(ct);
            return Results.NoContent();
        }));
    }

    /// <summary>Saves; a unique-index race (two creates of one username) becomes a field error, not a 500.</summary>
    public static async Task<bool> TrySaveAsync(GatehouseDb db, ApiInput input, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            input.AddError("username", "is already taken on this site");
            return false;
        }
    }
}
