using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Scim;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Provisioning;

public sealed class ScimGroupRow
{
    public ScimGroupLink L { get; init; } = null!;
    public Group G { get; init; } = null!;
}

internal sealed record ScimGroupInput(string DisplayName, string? ExternalId, IReadOnlyList<string>? Members);

/// <summary>
/// <c>/Groups</c>. A provider sees and changes only the groups it manages (<see cref="ScimGroupLink"/>) and, inside
/// them, only the memberships of its own users: a member an admin added by hand is never removed by the IdP.
/// Member changes are diffs (RFC 7644 §3.5.2 through the engine; PUT replaces the provider's members) and
/// idempotent, so a retried push converges (peers.md pain point 13).
/// </summary>
public sealed class ScimGroups(GatehouseDb db, ScimUsers users, RequiredGroupRule requiredGroups, AuditLog audit, IOptions<ScimOptions> options, TimeProvider time)
{
    /// <summary>Ids per query: EF sends a list as one parameter each, and SQLite and PostgreSQL cap the parameters of a statement.</summary>
    private const int IdChunk = 500;

    private static readonly ScimFilterToExpression<ScimGroupRow> Columns = new ScimFilterToExpression<ScimGroupRow>()
        .Map("displayName", r => r.G.NameNormalized, ScimColumnCase.LowerInvariant)
        .Map("id", r => r.G.Id)
        .Map("externalId", r => r.L.ExternalId)
        .Map("members.value", r => ScimGroupMembersFilter.Member(r))
        .Map("meta.created", r => r.L.CreatedAt)
        .Map("meta.lastModified", r => r.L.UpdatedAt);

    public IQueryable<ScimGroupRow> Visible(long strategyId) =>
        db.Set<ScimGroupLink>().Where(l => l.SsoStrategyId == strategyId).Select(l => new ScimGroupRow { L = l, G = l.Group });

    public async Task<ScimResponse> ListAsync(ScimCaller caller, string? filter, string? startIndex, string? count, string? attributes, string? excluded, CancellationToken ct)
    {
        var page = ScimPaging.Parse(startIndex, count, options.Value.DefaultCount, options.Value.MaxResults);
        if (!page.IsSuccess) return ScimResponse.Error(page.Error!);
        var where = ScimQuery.Where(filter, GatehouseScimSchemas.GroupResource, Columns);
        if (!where.IsSuccess) return ScimResponse.Error(where.Error!);
        var rewritten = ScimGroupMembersFilter.Rewrite(where.Value);
        if (!rewritten.IsSuccess) return ScimResponse.Error(rewritten.Error!);

        var query = Visible(caller.Strategy.Id);
        if (rewritten.Value is { } predicate) query = query.Where(predicate);
        var rows = page.Value.Count == 0 ? [] :
            await query.OrderBy(r => r.G.Id).Skip(page.Value.Skip).Take(page.Value.Count).AsNoTracking().ToListAsync(ct);
        var total = page.Value.TotalFromPage(rows.Count) ?? await query.CountAsync(ct);
        var withMembers = !ScimQuery.Excludes(excluded, "members");
        var resources = new List<JsonNode>();
        foreach (var row in rows)
            resources.Add(ScimQuery.Project(await RenderAsync(caller, row, withMembers, ct), attributes, excluded));
        return ScimResponse.Ok(ScimListResponse.Create(resources, total, page.Value));
    }

    public async Task<ScimResponse> GetAsync(ScimCaller caller, string id, string? attributes, string? excluded, CancellationToken ct)
    {
        var row = await FindAsync(caller, id, tracked: false, ct);
        if (row is null) return NotFound(id);
        var resource = await RenderAsync(caller, row, !ScimQuery.Excludes(excluded, "members"), ct);
        return ScimResponse.Ok(ScimQuery.Project(resource, attributes, excluded), (string)resource["meta"]!["version"]!);
    }

    public async Task<ScimResponse> CreateAsync(ScimCaller caller, HttpContext http, JsonObject body, CancellationToken ct)
    {
        var s = caller.Strategy;
        var read = ReadInput(body);
        if (!read.IsSuccess) return ScimResponse.Error(read.Error!);
        var input = read.Value;
        if (!ProvisioningPolicy.GroupAllowed(s, input.DisplayName))
            return ScimResponse.Error(ScimError.InvalidValue($"The group \"{input.DisplayName}\" is outside this provider's group inclusion/exclusion rules."));
        var normalized = input.DisplayName.ToLowerInvariant();
        // An existing site group is never taken over by an IdP (same rule as users).
        if (await db.Groups.AnyAsync(g => g.NameNormalized == normalized, ct))
            return ScimResponse.Error(ScimError.Uniqueness("A group with this displayName already exists on this site."));
        if (input.ExternalId is not null && await db.Set<ScimGroupLink>().AnyAsync(l => l.SsoStrategyId == s.Id && l.ExternalId == input.ExternalId, ct))
            return ScimResponse.Error(ScimError.Uniqueness("The externalId is already used by another group of this provider."));

        var now = time.GetUtcNow().UtcDateTime;
        var group = new Group { Name = input.DisplayName, NameNormalized = normalized, CreatedAt = now };
        var link = new ScimGroupLink { Group = group, SsoStrategyId = s.Id, ExternalId = input.ExternalId, CreatedAt = now, UpdatedAt = now };
        db.Groups.Add(group);
        db.Add(link);
        var changed = new List<long>();
        if (input.Members is { Count: > 0 } members)
        {
            var error = await ChangeMembersAsync(s, group, members, [], changed, ct);
            if (error is not null) { db.ChangeTracker.Clear(); return ScimResponse.Error(error); }
        }
        audit.Add(SsoEventTypes.AccountChange, true, "scim_group_created", $"{s.Label} created the group {group.Name} through SCIM",
            @interface: "scim", http: http, provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id);
        if (!await TrySaveAsync(ct)) return ScimResponse.Error(ScimError.Uniqueness("The displayName was taken by a concurrent request."));
        await AfterMembershipChangeAsync(s, changed, http, ct);

        var resource = await RenderAsync(caller, new ScimGroupRow { L = link, G = group }, true, ct);
        return new ScimResponse(201, resource)
            .WithHeader("Location", (string)resource["meta"]!["location"]!)
            .WithHeader("ETag", (string)resource["meta"]!["version"]!);
    }

    public async Task<ScimResponse> ReplaceAsync(ScimCaller caller, HttpContext http, string id, JsonObject body, CancellationToken ct)
    {
        var row = await FindAsync(caller, id, tracked: true, ct);
        if (row is null) return NotFound(id);
        var current = await RenderAsync(caller, row, true, ct);
        if (!ScimVersion.IfMatchPasses(http.Request, (string)current["meta"]!["version"]!)) return ScimUsers.PreconditionFailed();
        var read = ReadInput(body);
        if (!read.IsSuccess) return ScimResponse.Error(read.Error!);
        var input = read.Value;
        // PUT without "members" leaves them alone: an IdP that omits them never empties a group by accident.
        IReadOnlyList<string> add = [], remove = [];
        if (input.Members is not null)
        {
            var currentIds = MemberIds(current);
            add = input.Members.Except(currentIds).ToList();
            remove = currentIds.Except(input.Members).ToList();
        }
        return await UpdateAsync(caller, http, row, input.DisplayName, input.ExternalId, add, remove, ct);
    }

    public async Task<ScimResponse> PatchAsync(ScimCaller caller, HttpContext http, string id, JsonObject body, CancellationToken ct)
    {
        var row = await FindAsync(caller, id, tracked: true, ct);
        if (row is null) return NotFound(id);
        var current = await RenderAsync(caller, row, true, ct);
        if (!ScimVersion.IfMatchPasses(http.Request, (string)current["meta"]!["version"]!)) return ScimUsers.PreconditionFailed();
        var patched = ScimPatcher.Apply(current, body, GatehouseScimSchemas.GroupResource);
        if (!patched.IsSuccess) return ScimResponse.Error(patched.Error!);
        var result = patched.Value;
        if (!result.Changed) return ScimResponse.Ok(current, (string)current["meta"]!["version"]!);
        var read = ReadInput(result.Resource);
        if (!read.IsSuccess) return ScimResponse.Error(read.Error!);
        return await UpdateAsync(caller, http, row, read.Value.DisplayName, read.Value.ExternalId,
            result.Members?.Added ?? [], result.Members?.Removed ?? [], ct);
    }

    public async Task<ScimResponse> DeleteAsync(ScimCaller caller, HttpContext http, string id, CancellationToken ct)
    {
        var row = await FindAsync(caller, id, tracked: true, ct);
        if (row is null) return NotFound(id);
        var s = caller.Strategy;
        var current = await RenderAsync(caller, row, true, ct);
        if (!ScimVersion.IfMatchPasses(http.Request, (string)current["meta"]!["version"]!)) return ScimUsers.PreconditionFailed();
        var members = await db.GroupUsers.Where(m => m.GroupId == row.G.Id).Select(m => m.UserId).ToListAsync(ct);
        // deprovision_groups: delete the group; otherwise stop managing it and leave it to the site's admins.
        if (s.DeprovisionGroups) db.Groups.Remove(row.G);
        else db.Remove(row.L);
        audit.Add(SsoEventTypes.AccountChange, true, s.DeprovisionGroups ? "scim_group_deleted" : "scim_group_released",
            s.DeprovisionGroups ? $"{s.Label} deleted the group {row.G.Name} through SCIM" : $"{s.Label} no longer manages the group {row.G.Name}; it was kept",
            @interface: "scim", http: http, provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id);
        await db.SaveChangesAsync(ct);
        // Deleted or released, the group no longer counts for this provider's rules.
        await AfterMembershipChangeAsync(s, members, http, ct, siteAdmins: s.DeprovisionGroups);
        return ScimResponse.NoContent();
    }

    private async Task<ScimResponse> UpdateAsync(ScimCaller caller, HttpContext http, ScimGroupRow row, string displayName, string? externalId,
        IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken ct)
    {
        var s = caller.Strategy;
        var group = row.G;
        var normalized = displayName.ToLowerInvariant();
        if (normalized != group.NameNormalized)
        {
            if (!ProvisioningPolicy.GroupAllowed(s, displayName))
                return ScimResponse.Error(ScimError.InvalidValue($"The group name \"{displayName}\" is outside this provider's group inclusion/exclusion rules."));
            if (await db.Groups.AnyAsync(g => g.NameNormalized == normalized && g.Id != group.Id, ct))
                return ScimResponse.Error(ScimError.Uniqueness("A group with this displayName already exists on this site."));
        }
        if (externalId is not null && externalId != row.L.ExternalId
            && await db.Set<ScimGroupLink>().AnyAsync(l => l.SsoStrategyId == s.Id && l.ExternalId == externalId && l.Id != row.L.Id, ct))
            return ScimResponse.Error(ScimError.Uniqueness("The externalId is already used by another group of this provider."));

        var renamed = group.Name != displayName;
        group.Name = displayName;
        group.NameNormalized = normalized;
        if (externalId is not null) row.L.ExternalId = externalId;
        row.L.UpdatedAt = time.GetUtcNow().UtcDateTime;
        var changed = new List<long>();
        var error = await ChangeMembersAsync(s, group, add, remove, changed, ct);
        if (error is not null) { db.ChangeTracker.Clear(); return ScimResponse.Error(error); }
        if (renamed || changed.Count > 0)
            audit.Add(SsoEventTypes.AccountChange, true, "scim_group_updated",
                $"{s.Label} updated the group {group.Name} through SCIM ({(renamed ? "renamed, " : "")}{changed.Count} membership change(s))",
                @interface: "scim", http: http, provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id,
                body: JsonSerializer.Serialize(new { added = add, removed = remove }));
        if (!await TrySaveAsync(ct)) return ScimResponse.Error(ScimError.Uniqueness("The displayName was taken by a concurrent request."));
        // A rename can move a group in or out of provision_site_admin_groups: everyone in it is re-evaluated.
        if (renamed) changed.AddRange(await db.GroupUsers.Where(m => m.GroupId == group.Id).Select(m => m.UserId).ToListAsync(ct));
        await AfterMembershipChangeAsync(s, changed, http, ct);
        var resource = await RenderAsync(caller, row, true, ct);
        return ScimResponse.Ok(resource, (string)resource["meta"]!["version"]!);
    }

    /// <summary>Adds and removes the provider's users; an id that is not one of them is invalidValue (security catalogue §5.1).</summary>
    private async Task<ScimError?> ChangeMembersAsync(SsoStrategy s, Group group, IReadOnlyList<string> add, IReadOnlyList<string> remove, List<long> changed, CancellationToken ct)
    {
        if (add.Count == 0 && remove.Count == 0) return null;
        var addIds = new List<long>();
        foreach (var value in add)
        {
            if (ScimIds.Parse(value) is not { } uid) return ScimError.InvalidValue($"members: \"{value}\" is not a user of this provider.");
            addIds.Add(uid);
        }
        var removeIds = remove.Select(ScimIds.Parse).OfType<long>().ToList();
        var all = addIds.Concat(removeIds).Distinct().ToList();
        // Sets, not lists: a group push of thousands of members must not compare every id with every other.
        var known = new HashSet<long>();
        foreach (var chunk in all.Chunk(IdChunk))
            known.UnionWith(await users.Visible(s.Id).Where(r => chunk.Contains(r.U.Id)).Select(r => r.U.Id).ToListAsync(ct));
        foreach (var uid in addIds)
            if (!known.Contains(uid)) return ScimError.InvalidValue($"members: \"{uid}\" is not a user of this provider.");

        var existing = new Dictionary<long, GroupUser>();
        if (group.Id != 0)
            foreach (var chunk in all.Chunk(IdChunk))
                foreach (var m in await db.GroupUsers.Where(m => m.GroupId == group.Id && chunk.Contains(m.UserId)).ToListAsync(ct))
                    existing[m.UserId] = m;
        foreach (var uid in addIds.Distinct())
        {
            if (existing.ContainsKey(uid)) continue;
            db.GroupUsers.Add(new GroupUser { Group = group, UserId = uid });
            changed.Add(uid);
        }
        foreach (var uid in removeIds.Distinct())
        {
            if (!known.Contains(uid) || !existing.TryGetValue(uid, out var m)) continue;
            db.GroupUsers.Remove(m);
            changed.Add(uid);
        }
        return null;
    }

    /// <summary>Membership moved: provision_site_admin_groups and provision_group_required are re-evaluated for those users.</summary>
    private async Task AfterMembershipChangeAsync(SsoStrategy s, List<long> userIds, HttpContext http, CancellationToken ct, bool siteAdmins = true)
    {
        if (userIds.Count == 0) return;
        var distinct = userIds.Distinct().ToList();
        if (siteAdmins && ProvisioningPolicy.Names(s.ProvisionSiteAdminGroups).Count > 0)
        {
            await ProvisioningPolicy.SyncSiteAdminAsync(db, s, distinct, ct);
            await db.SaveChangesAsync(ct);
        }
        if (ProvisioningPolicy.HasRequired(s)) await requiredGroups.ApplyAsync(s, distinct, http, ct);
    }

    private async Task<JsonObject> RenderAsync(ScimCaller caller, ScimGroupRow row, bool withMembers, CancellationToken ct)
    {
        var id = ScimIds.Format(row.G.Id);
        var doc = new JsonObject { ["schemas"] = new JsonArray(GatehouseScimSchemas.GroupSchemaId), ["id"] = id };
        if (row.L.ExternalId is { } externalId) doc["externalId"] = externalId;
        doc["displayName"] = row.G.Name;
        if (withMembers)
        {
            var sid = caller.Strategy.Id;
            var members = await users.Visible(sid)
                .Join(db.GroupUsers.Where(m => m.GroupId == row.G.Id), r => r.U.Id, m => m.UserId, (r, m) => new { r.U.Id, r.U.Username })
                .OrderBy(m => m.Id).ToListAsync(ct);
            doc["members"] = new JsonArray(members.Select(m => (JsonNode)new JsonObject
            {
                ["value"] = ScimIds.Format(m.Id), ["$ref"] = $"{caller.BaseUrl}/Users/{m.Id}", ["display"] = m.Username, ["type"] = "User",
            }).ToArray());
        }
        doc["meta"] = new JsonObject
        {
            ["resourceType"] = "Group",
            ["created"] = ScimDateTime.Format(row.L.CreatedAt),
            ["lastModified"] = ScimDateTime.Format(row.L.UpdatedAt),
            ["location"] = $"{caller.BaseUrl}/Groups/{id}",
        };
        ScimVersion.Stamp(doc);
        return doc;
    }

    private static List<string> MemberIds(JsonObject resource) =>
        (resource["members"] as JsonArray)?.Select(m => (string?)m?["value"]).OfType<string>().ToList() ?? [];

    private static ScimResult<ScimGroupInput> ReadInput(JsonObject body)
    {
        if (ScimUserMapping.Get(body, "displayName") is not JsonValue nameValue || nameValue.GetValueKind() != JsonValueKind.String)
            return ScimError.InvalidValue("displayName is required and must be a string.");
        var name = nameValue.GetValue<string>().Trim();
        if (ProvisioningPolicy.GroupNameProblem(name) is { } problem) return ScimError.InvalidValue($"displayName {problem}.");
        string? externalId = null;
        if (ScimUserMapping.Get(body, "externalId") is { } ext && ext.GetValueKind() != JsonValueKind.Null)
        {
            if (ext is not JsonValue ev || ev.GetValueKind() != JsonValueKind.String || ev.GetValue<string>().Length > 256)
                return ScimError.InvalidValue("externalId must be a string of at most 256 characters.");
            externalId = ev.GetValue<string>() is { Length: > 0 } e ? e : null;
        }
        List<string>? members = null;
        if (ScimUserMapping.Get(body, "members") is { } m && m.GetValueKind() != JsonValueKind.Null)
        {
            if (m is not JsonArray array) return ScimError.InvalidValue("members must be an array.");
            if (array.Count > 100_000) return ScimError.InvalidValue("members has too many elements.");
            members = [];
            foreach (var item in array)
            {
                if (item is not JsonObject o || ScimUserMapping.Get(o, "value") is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                    return ScimError.InvalidValue("Each member must be an object with a string value.");
                members.Add(v.GetValue<string>());
            }
            members = members.Distinct().ToList();
        }
        return new ScimGroupInput(name, externalId, members);
    }

    private async Task<ScimGroupRow?> FindAsync(ScimCaller caller, string id, bool tracked, CancellationToken ct)
    {
        if (ScimIds.Parse(id) is not { } groupId) return null;
        var query = Visible(caller.Strategy.Id).Where(r => r.G.Id == groupId);
        return await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(ct);
    }

    private async Task<bool> TrySaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private static ScimResponse NotFound(string id) => ScimResponse.Error(ScimError.NotFound($"Group {id} not found."));
}
