using Gatehouse.Api;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Accounts;

/// <summary>Files.com <c>/groups</c>: list, show, create, update, delete. Site admins only.</summary>
public static class GroupsApi
{
    public static void MapGroupsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/groups", (HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var page = ApiPage.From(input, out var error);
            if (page is null) return error!;
            var query = db.Groups.Where(g => g.Id > page.AfterId);
            if (input.LongList("ids") is { } ids) query = query.Where(g => ids.Contains(g.Id));
            if (input.String("filter[name]", GroupChanges.MaxName) is { Length: > 0 } name)
            {
                var normalized = name.Trim().ToLowerInvariant();
                query = query.Where(g => g.NameNormalized == normalized);
            }
            if (input.String("filter_prefix[name]", GroupChanges.MaxName) is { Length: > 0 } prefix)
            {
                var normalized = prefix.Trim().ToLowerInvariant();
                query = query.Where(g => g.NameNormalized.StartsWith(normalized));
            }
            if (!input.IsValid) return ApiErrors.Invalid(input);
            var rows = await page.ReadAsync(query.OrderBy(g => g.Id).Select(GroupJson.Projection), g => g.Id, http, ct);
            return Results.Json(rows, ApiJson.Options);
        })).WithName("ListGroups").WithSummary("List groups");

        api.MapGet("/groups/{id}", (string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var groupId)) return ApiErrors.NotFound("group");
            var group = await db.Groups.Where(g => g.Id == groupId).Select(GroupJson.Projection).FirstOrDefaultAsync(ct);
            return group is null ? ApiErrors.NotFound("group") : Results.Json(group, ApiJson.Options);
        })).WithName("ShowGroup").WithSummary("Show a group");

        api.MapPost("/groups", (HttpContext http, GatehouseDb db, TimeProvider time, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var group = new Group { Name = "", NameNormalized = "", CreatedAt = time.GetUtcNow().UtcDateTime };
            await GroupChanges.ApplyAsync(db, group, input, creating: true, ct);
            if (!input.IsValid) return ApiErrors.Invalid(input);
            db.Groups.Add(group);
            return await SaveAsync(db, group, input, 201, ct);
        })).WithName("CreateGroup").WithSummary("Create a group, optionally with members (user_ids) and group admins (admin_ids)");

        api.MapMethods("/groups/{id}", ["PATCH", "PUT"], (string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var groupId)) return ApiErrors.NotFound("group");
            var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == groupId, ct);
            if (group is null) return ApiErrors.NotFound("group");
            await GroupChanges.ApplyAsync(db, group, input, creating: false, ct);
            if (!input.IsValid) return ApiErrors.Invalid(input);
            return await SaveAsync(db, group, input, 200, ct);
        })).WithName("UpdateGroup").WithSummary("Change a group; user_ids replaces its members");

        api.MapDelete("/groups/{id}", (string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var groupId)) return ApiErrors.NotFound("group");
            var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == groupId, ct);
            if (group is null) return ApiErrors.NotFound("group");
            db.Groups.Remove(group);
            await db.SaveChangesAsync(ct);
            return Results.NoContent();
        })).WithName("DeleteGroup").WithSummary("Delete a group (its memberships go with it)");
    }

    /// <summary>Saves; a unique-index race (two creates of one name) becomes a field error, not a 500.</summary>
    private static async Task<IResult> SaveAsync(GatehouseDb db, Group group, ApiInput input, int status, CancellationToken ct)
    {
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            input.AddError("name", "is already used by another group");
            return ApiErrors.Invalid(input);
        }
        var json = await db.Groups.Where(g => g.Id == group.Id).Select(GroupJson.Projection).FirstAsync(ct);
        return Results.Json(json, ApiJson.Options, statusCode: status);
    }
}
