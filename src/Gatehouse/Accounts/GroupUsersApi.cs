using Gatehouse.Api;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Accounts;

/// <summary>
/// Files.com <c>/group_users</c>: group memberships. List (by <c>group_id</c> or <c>user_id</c>), show, create,
/// update (<c>admin</c>), delete by id or, as Files.com also accepts, <c>DELETE /group_users</c> naming
/// <c>group_id</c> and <c>user_id</c>. Site admins only.
/// </summary>
public static class GroupUsersApi
{
    public static void MapGroupUsersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/group_users", (HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var page = ApiPage.From(input, out var error);
            if (page is null) return error!;
            var query = db.GroupUsers.Where(m => m.Id > page.AfterId);
            if (input.Long("group_id") is { } groupId) query = query.Where(m => m.GroupId == groupId);
            if (input.Long("user_id") is { } userId) query = query.Where(m => m.UserId == userId);
            if (!input.IsValid) return ApiErrors.Invalid(input);
            return Results.Json(await page.ReadAsync(query.OrderBy(m => m.Id).Select(GroupUserJson.Projection), m => m.Id, http, ct), ApiJson.Options);
        })).WithName("ListGroupUsers").WithSummary("List group memberships, by group_id or user_id");

        api.MapGet("/group_users/{id}", (string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var (membership, error) = await FindAsync(db, id, ct);
            return error ?? await JsonAsync(db, membership!.Id, 200, ct);
        })).WithName("ShowGroupUser").WithSummary("Show a group membership");

        api.MapPost("/group_users", (HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var groupId = input.Long("group_id");
            var userId = input.Long("user_id");
            var admin = input.Bool("admin") ?? false;
            if (groupId is null && !input.Errors.ContainsKey("group_id")) input.AddError("group_id", "is required");
            if (userId is null && !input.Errors.ContainsKey("user_id")) input.AddError("user_id", "is required");
            if (groupId is { } g && !await db.Groups.AnyAsync(x => x.Id == g, ct)) input.AddError("group_id", "must be a group of this site");
            if (userId is { } u && !await db.Users.AnyAsync(x => x.Id == u, ct)) input.AddError("user_id", "must be a user of this site");
            if (input.IsValid && await db.GroupUsers.AnyAsync(m => m.GroupId == groupId && m.UserId == userId, ct))
                input.AddError("user_id", "is already a member of this group");
            if (!input.IsValid) return ApiErrors.Invalid(input);
            var membership = new GroupUser { GroupId = groupId!.Value, UserId = userId!.Value, Admin = admin };
            db.GroupUsers.Add(membership);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                // The unique (group, user) index: added by someone else a moment ago.
                db.ChangeTracker.Clear();
                input.AddError("user_id", "is already a member of this group");
                return ApiErrors.Invalid(input);
            }
            return await JsonAsync(db, membership.Id, 201, ct);
        })).WithName("CreateGroupUser").WithSummary("Add a user to a group");

        api.MapMethods("/group_users/{id}", ["PATCH", "PUT"], (string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var (membership, error) = await FindAsync(db, id, ct);
            if (error is not null) return error;
            var admin = input.Bool("admin");
            if (!input.IsValid) return ApiErrors.Invalid(input);
            if (admin is { } a) membership!.Admin = a;
            await db.SaveChangesAsync(ct);
            return await JsonAsync(db, membership!.Id, 200, ct);
        })).WithName("UpdateGroupUser").WithSummary("Make a member a group admin or not");

        api.MapDelete("/group_users/{id}", (string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var (membership, error) = await FindAsync(db, id, ct);
            if (error is not null) return error;
            db.GroupUsers.Remove(membership!);
            await db.SaveChangesAsync(ct);
            return Results.NoContent();
        })).WithName("DeleteGroupUser").WithSummary("Remove a user from a group, by membership id");

        api.MapDelete("/group_users", (HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var groupId = input.Long("group_id");
            var userId = input.Long("user_id");
            if (groupId is null && !input.Errors.ContainsKey("group_id")) input.AddError("group_id", "is required");
            if (userId is null && !input.Errors.ContainsKey("user_id")) input.AddError("user_id", "is required");
            if (!input.IsValid) return ApiErrors.Invalid(input);
            var removed = await db.GroupUsers.Where(m => m.GroupId == groupId && m.UserId == userId).ExecuteDeleteAsync(ct);
            return removed == 0 ? ApiErrors.NotFound("group-user") : Results.NoContent();
        })).WithName("DeleteGroupUserByGroupAndUser").WithSummary("Remove a user from a group, by group_id and user_id");
    }

    private static async Task<(GroupUser? Membership, IResult? Error)> FindAsync(GatehouseDb db, string id, CancellationToken ct)
    {
        if (!long.TryParse(id, out var membershipId)) return (null, ApiErrors.NotFound("group-user"));
        var membership = await db.GroupUsers.FirstOrDefaultAsync(m => m.Id == membershipId, ct);
        return membership is null ? (null, ApiErrors.NotFound("group-user")) : (membership, null);
    }

    private static async Task<IResult> JsonAsync(GatehouseDb db, long id, int status, CancellationToken ct) =>
        Results.Json(await db.GroupUsers.Where(m => m.Id == id).Select(GroupUserJson.Projection).FirstAsync(ct), ApiJson.Options, statusCode: status);
}
