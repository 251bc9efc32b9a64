using System.Text.Json.Nodes;
using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Scim;
using Gatehouse.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Provisioning;

/// <summary>A user as its provider's SCIM client sees it: the row and the provider's profile of it (if any).</summary>
public sealed class ScimUserRow
{
    public User U { get; init; } = null!;
    public ScimUserProfile? P { get; init; }
}

/// <summary>
/// <c>/Users</c> (RFC 7644 §3.2–3.6). Every query starts from <see cref="Visible"/>: the users assigned to the
/// calling provider — never a password user, another provider's user or another site's (the DbContext filter).
/// </summary>
public sealed class ScimUsers(
    GatehouseDb db, SessionService sessions, ScimCircuitBreaker breaker, IdentityResolver resolver, RequiredGroupRule requiredGroups,
    AuditLog audit, IOptions<ScimOptions> options, TimeProvider time)
{
    private static readonly ScimFilterToExpression<ScimUserRow> Columns = new ScimFilterToExpression<ScimUserRow>()
        .Map("userName", r => r.U.UsernameNormalized, ScimColumnCase.LowerInvariant)
        .Map("id", r => r.U.Id)
        .Map("externalId", r => r.P!.ExternalId)
        .Map("emails.value", r => r.U.Email!.ToLower(), ScimColumnCase.LowerInvariant)
        .Map("emails.type", r => "work")
        .Map("displayName", r => r.U.Name)
        .Map("name.formatted", r => r.U.Name)
        .Map("active", r => !r.U.Disabled || (r.P != null && r.P.HeldForGroups))
        .Map("meta.created", r => r.U.CreatedAt)
        .Map("meta.lastModified", r => r.P != null ? r.P.UpdatedAt : r.U.CreatedAt);

    /// <summary>The provider's users, each with its SCIM profile for this provider when it has one (not DELETEd).</summary>
    public IQueryable<ScimUserRow> Visible(long strategyId)
    {
        // SQLite keeps no statistics and prefers the index matching the most equality columns: compared plainly, the method
        // would make (SiteId, SsoStrategyId, AuthenticationMethod) — there for the unfiltered count — beat (SiteId,
        // lower(Email)) for an emails filter and walk the provider's users (61 ms at 100,000 users instead of 2.5).
        // Compared as an expression, the method is no index column and the filter's own index wins as before.
        var users = db.Database.IsNpgsql()
            ? db.Users.Where(u => u.SsoStrategyId == strategyId && u.AuthenticationMethod == AuthenticationMethods.Sso)
            : db.Users.Where(u => u.SsoStrategyId == strategyId && u.AuthenticationMethod + "" == AuthenticationMethods.Sso);
        var profiles = db.Set<ScimUserProfile>();
        // On PostgreSQL the provider is matched as "SsoStrategyId + 0": right after an IdP's burst of creates (statistics
        // not refreshed yet) the planner turned the plain match into a constant filter on the profiles' SsoStrategyId
        // index and scanned every profile of the provider once per user — a 1,100-member group took over 100 s to render.
        // Hidden from it, each user is one probe of the unique UserId index whatever the statistics say. SQLite keeps
        // no statistics and plans the plain form well (an externalId lookup goes straight to its index), so it keeps it.
        var joined = db.Database.IsNpgsql()
            ? from u in users
              join p in profiles on new { UserId = u.Id, Sid = u.SsoStrategyId } equals new { p.UserId, Sid = (long?)(p.SsoStrategyId + 0) } into ps
              from p in ps.DefaultIfEmpty()
              select new ScimUserRow { U = u, P = p }
            : from u in users
              join p in profiles on new { UserId = u.Id, Sid = u.SsoStrategyId } equals new { p.UserId, Sid = (long?)p.SsoStrategyId } into ps
              from p in ps.DefaultIfEmpty()
              select new ScimUserRow { U = u, P = p };
        return joined.Where(r => r.P == null || !r.P.Deleted);
    }

    public async Task<ScimResponse> ListAsync(ScimCaller caller, string? filter, string? startIndex, string? count, string? attributes, string? excluded, CancellationToken ct)
    {
        var page = ScimPaging.Parse(startIndex, count, options.Value.DefaultCount, options.Value.MaxResults);
        if (!page.IsSuccess) return ScimResponse.Error(page.Error!);
        var where = ScimQuery.Where(filter, GatehouseScimSchemas.UserResource, Columns);
        if (!where.IsSuccess) return ScimResponse.Error(where.Error!);

        var query = Visible(caller.Strategy.Id);
        if (where.Value is { } predicate) query = query.Where(predicate);
        var rows = page.Value.Count == 0 ? [] :
            await query.OrderBy(r => r.U.Id).Skip(page.Value.Skip).Take(page.Value.Count).AsNoTracking().ToListAsync(ct);
        // RFC 7644 §3.4.2: totalResults is a COUNT, never a load of the table (peers.md: Polis loads all users) — and
        // not even that when the page shows where the list ends.
        var total = page.Value.TotalFromPage(rows.Count) ?? (where.Value is null ? await CountAllAsync(caller.Strategy.Id, ct) : await query.CountAsync(ct));
        var groups = ScimQuery.Excludes(excluded, "groups") ? [] : await GroupsOfAsync(caller, rows.Select(r => r.U.Id).ToList(), ct);
        var resources = rows.Select(r => (JsonNode)ScimQuery.Project(
            ScimUserMapping.ToResource(r.U, r.P, groups.TryGetValue(r.U.Id, out var g) ? g : [], caller.BaseUrl), attributes, excluded));
        return ScimResponse.Ok(ScimListResponse.Create(resources, total, page.Value));
    }

    /// <summary>
    /// The unfiltered list's totalResults without probing every user's profile: the provider's SSO users (an index-only
    /// count on <c>(SiteId, SsoStrategyId, AuthenticationMethod)</c>) less those whose profile this provider DELETEd
    /// (through <c>(SsoStrategyId, Deleted, UserId)</c>). A user has at most one profile, so none is subtracted twice;
    /// the result is <see cref="Visible"/>'s count.
    /// </summary>
    private async Task<int> CountAllAsync(long strategyId, CancellationToken ct)
    {
        var users = await db.Users.CountAsync(u => u.SsoStrategyId == strategyId && u.AuthenticationMethod == AuthenticationMethods.Sso, ct);
        var deleted = await (
            from p in db.Set<ScimUserProfile>()
            where p.SsoStrategyId == strategyId && p.Deleted
            join u in db.Users on p.UserId equals u.Id
            where u.SsoStrategyId == strategyId && u.AuthenticationMethod == AuthenticationMethods.Sso
            select p.Id).CountAsync(ct);
        return users - deleted;
    }

    public async Task<ScimResponse> GetAsync(ScimCaller caller, string id, string? attributes, string? excluded, CancellationToken ct)
    {
        var row = await FindAsync(caller, id, tracked: false, ct);
        if (row is null) return NotFound(id);
        var resource = await RenderAsync(caller, row.U, row.P, ct);
        var version = (string)resource["meta"]!["version"]!;
        return ScimResponse.Ok(ScimQuery.Project(resource, attributes, excluded), version);
    }

    /// <summary>POST /Users (RFC 7644 §3.3): create, or 409 uniqueness — never a takeover.</summary>
    public async Task<ScimResponse> CreateAsync(ScimCaller caller, HttpContext http, JsonObject body, CancellationToken ct)
    {
        // 1. Validate the body.
        var read = ScimUserMapping.ReadInput(body);
        if (!read.IsSuccess) return ScimResponse.Error(read.Error!);
        var input = read.Value;
        var s = caller.Strategy;
        var now = time.GetUtcNow().UtcDateTime;

        // 2. Resolve the identity among this provider's users: immutable key first, then username.
        var match = await resolver.ResolveAsync(s, input.ExternalId is null ? null : new ImmutableKey.ScimExternalId(input.ExternalId), input.UserName, "scim", http, ct);
        if (match.Kind == IdentityMatchKind.Ambiguous)
        {
            await db.SaveChangesAsync(ct);
            return ScimResponse.Error(ScimError.Uniqueness($"The externalId belongs to user {match.User!.Id} and the userName to user {match.Other!.Id}; nothing was changed."));
        }
        User user;
        ScimUserProfile profile;
        if (match.User is { } existing)
        {
            // A user this provider DELETEd under deprovision_behavior=disable comes back when the IdP re-creates it.
            var existingProfile = await db.Set<ScimUserProfile>().FirstOrDefaultAsync(p => p.UserId == existing.Id && p.SsoStrategyId == s.Id, ct);
            if (existingProfile is not { Deleted: true })
                return ScimResponse.Error(ScimError.Uniqueness($"A user with this {(match.Kind == IdentityMatchKind.ByKey ? "externalId" : "userName")} already exists (id {existing.Id})."));
            user = existing;
            profile = existingProfile;
            profile.Deleted = false;
            var conflict = await CheckUniqueAsync(s.Id, user, input, ct);
            if (conflict is not null) return ScimResponse.Error(conflict);
            Apply(user, profile, input, now, defaultActive: true);
            RequiredGroupRule.HoldUntilChecked(s, user, profile);
        }
        else
        {
            // 3. A userName held by anyone else on the site (password user, another provider's user) is a conflict.
            if (match.NameHolder is not null)
                return ScimResponse.Error(ScimError.Uniqueness("The userName is already taken on this site by a user this provider does not manage."));
            // The resolver already looked the externalId up; a profile left behind by a user who moved away is caught by the unique index.

            // 4. Create with the provider's provision_* defaults.
            user = ProvisioningPolicy.NewUser(s, input.UserName, now);
            profile = new ScimUserProfile { User = user, SsoStrategyId = s.Id, CreatedAt = now };
            Apply(user, profile, input, now, defaultActive: true);
            RequiredGroupRule.HoldUntilChecked(s, user, profile);
            db.Users.Add(user);
            await ProvisioningPolicy.AddDefaultGroupsAsync(db, s, user, now, ct);
            db.Add(profile);
        }
        audit.Add(SsoEventTypes.AccountChange, true, "scim_user_created", $"{s.Label} provisioned {user.Username} through SCIM"
            + (profile.HeldForGroups ? "; it cannot sign in until the identity provider adds it to a required group (provision_group_required)" : ""),
            null, user.Username, "scim", http, s.Provider, s.Label, s.Id, idpUid: input.ExternalId);
        if (!await TrySaveAsync(ct)) return ScimResponse.Error(ScimError.Uniqueness("The userName or externalId was taken by a concurrent request."));
        // A revived user may already be in (or out of) the provider's required groups.
        if (match.User is not null && ProvisioningPolicy.HasRequired(s)) await requiredGroups.ApplyAsync(s, [user.Id], http, ct);

        // A new user is in no group this provider manages yet (default groups are the site's own): no groups query.
        var resource = match.User is null ? ScimUserMapping.ToResource(user, profile, [], caller.BaseUrl) : await RenderAsync(caller, user, profile, ct);
        var response = new ScimResponse(201, resource).WithHeader("Location", (string)resource["meta"]!["location"]!);
        return response.WithHeader("ETag", (string)resource["meta"]!["version"]!);
    }

    /// <summary>PUT /Users/{id} (RFC 7644 §3.5.1): the body is the new state of the client-owned attributes.</summary>
    public async Task<ScimResponse> ReplaceAsync(ScimCaller caller, HttpContext http, string id, JsonObject body, CancellationToken ct)
    {
        var row = await FindAsync(caller, id, tracked: true, ct);
        if (row is null) return NotFound(id);
        var current = await RenderAsync(caller, row.U, row.P, ct);
        if (!ScimVersion.IfMatchPasses(http.Request, (string)current["meta"]!["version"]!)) return PreconditionFailed();
        var read = ScimUserMapping.ReadInput(body);
        if (!read.IsSuccess) return ScimResponse.Error(read.Error!);
        return await UpdateAsync(caller, http, row, read.Value, ct);
    }

    /// <summary>PATCH /Users/{id} (RFC 7644 §3.5.2) through the engine, in every IdP dialect it accepts.</summary>
    public async Task<ScimResponse> PatchAsync(ScimCaller caller, HttpContext http, string id, JsonObject body, CancellationToken ct)
    {
        var row = await FindAsync(caller, id, tracked: true, ct);
        if (row is null) return NotFound(id);
        var current = await RenderAsync(caller, row.U, row.P, ct);
        if (!ScimVersion.IfMatchPasses(http.Request, (string)current["meta"]!["version"]!)) return PreconditionFailed();
        var patched = ScimPatcher.Apply(current, body, GatehouseScimSchemas.UserResource);
        if (!patched.IsSuccess) return ScimResponse.Error(patched.Error!);
        if (!patched.Value.Changed) return ScimResponse.Ok(current, (string)current["meta"]!["version"]!);
        var read = ScimUserMapping.ReadInput(patched.Value.Resource);
        if (!read.IsSuccess) return ScimResponse.Error(read.Error!);
        return await UpdateAsync(caller, http, row, read.Value, ct);
    }

    /// <summary>DELETE /Users/{id} (RFC 7644 §3.6), as the provider's <c>deprovision_behavior</c> says.</summary>
    public async Task<ScimResponse> DeleteAsync(ScimCaller caller, HttpContext http, string id, CancellationToken ct)
    {
        var row = await FindAsync(caller, id, tracked: true, ct);
        if (row is null) return NotFound(id);
        var s = caller.Strategy;
        var user = row.U;
        var current = await RenderAsync(caller, user, row.P, ct);
        if (!ScimVersion.IfMatchPasses(http.Request, (string)current["meta"]!["version"]!)) return PreconditionFailed();
        if (!user.Disabled && await breaker.CheckDeactivationAsync(s, user.Id, http, ct) is { } held) return held;

        var now = time.GetUtcNow().UtcDateTime;
        await RevokeSessionsAsync(user.Id, "scim_deprovisioned", ct);
        if (s.DeprovisionBehavior == "delete")
        {
            audit.Add(SsoEventTypes.AccountChange, true, "scim_user_deleted", $"{s.Label} deleted {user.Username} through SCIM",
                null, user.Username, "scim", http, s.Provider, s.Label, s.Id);
            db.Users.Remove(user);
        }
        else
        {
            user.Disabled = true;
            var profile = row.P ?? db.Set<ScimUserProfile>().Add(new ScimUserProfile { UserId = user.Id, SsoStrategyId = s.Id, CreatedAt = now }).Entity;
            profile.Deleted = true;
            profile.UpdatedAt = now;
            audit.Add(SsoEventTypes.AccountChange, true, "scim_user_disabled", $"{s.Label} deprovisioned {user.Username} through SCIM; the account is disabled and kept",
                user.Id, user.Username, "scim", http, s.Provider, s.Label, s.Id);
        }
        await db.SaveChangesAsync(ct);
        return ScimResponse.NoContent();
    }

    private async Task<ScimResponse> UpdateAsync(ScimCaller caller, HttpContext http, ScimUserRow row, ScimUserInput input, CancellationToken ct)
    {
        var s = caller.Strategy;
        var user = row.U;
        var now = time.GetUtcNow().UtcDateTime;
        var conflict = await CheckUniqueAsync(s.Id, user, input, ct);
        if (conflict is not null) return ScimResponse.Error(conflict);

        // The breaker decides before anything is changed, so a held deactivation leaves no trace but the hold.
        var deactivating = !user.Disabled && input.Active == false;
        if (deactivating && await breaker.CheckDeactivationAsync(s, user.Id, http, ct) is { } held) return held;
        var profile = row.P ?? db.Set<ScimUserProfile>().Add(new ScimUserProfile { UserId = user.Id, SsoStrategyId = s.Id, CreatedAt = now }).Entity;
        var wasDisabled = user.Disabled;
        Apply(user, profile, input, now, defaultActive: null);
        var activating = wasDisabled && !user.Disabled;
        if (activating) RequiredGroupRule.HoldUntilChecked(s, user, profile);
        if (deactivating)
            audit.Add(SsoEventTypes.AccountChange, true, "scim_user_deactivated", $"{s.Label} deactivated {user.Username} through SCIM",
                user.Id, user.Username, "scim", http, s.Provider, s.Label, s.Id);
        if (!await TrySaveAsync(ct)) return ScimResponse.Error(ScimError.Uniqueness("The userName or externalId was taken by a concurrent request."));
        // active=false ends every session at once (security catalogue §5.1).
        if (deactivating) await RevokeSessionsAsync(user.Id, "scim_deactivated", ct);
        // Re-activated by the IdP: active only if it is also in a required group.
        if (activating && ProvisioningPolicy.HasRequired(s)) await requiredGroups.ApplyAsync(s, [user.Id], http, ct);
        var resource = await RenderAsync(caller, user, profile, ct);
        return ScimResponse.Ok(resource, (string)resource["meta"]!["version"]!);
    }

    /// <summary>A read first: most provisioned users have no open session, and an UPDATE would still take SQLite's write lock.</summary>
    private async Task RevokeSessionsAsync(long userId, string reason, CancellationToken ct)
    {
        if (await db.Sessions.AnyAsync(x => x.UserId == userId && x.RevokedAt == null, ct))
            await sessions.RevokeAllForUserAsync(userId, reason, ct);
    }

    private async Task<ScimError?> CheckUniqueAsync(long strategyId, User user, ScimUserInput input, CancellationToken ct)
    {
        var normalized = User.Normalize(input.UserName);
        if (normalized != user.UsernameNormalized && await db.Users.AnyAsync(u => u.UsernameNormalized == normalized && u.Id != user.Id, ct))
            return ScimError.Uniqueness("The userName is already taken on this site.");
        if (input.ExternalId is not null
            && await db.Set<ScimUserProfile>().AnyAsync(p => p.SsoStrategyId == strategyId && p.ExternalId == input.ExternalId && p.UserId != user.Id, ct))
            return ScimError.Uniqueness("The externalId is already used by another user of this provider.");
        return null;
    }

    private static void Apply(User user, ScimUserProfile profile, ScimUserInput input, DateTime now, bool? defaultActive)
    {
        user.Username = input.UserName;
        user.UsernameNormalized = User.Normalize(input.UserName);
        user.Name = input.Name;
        user.Email = input.Email;
        if (input.Organization is not null) user.Company = input.Organization;
        if ((input.Active ?? defaultActive) is { } active)
        {
            // The IdP's deactivation owns the account from here (no hold to lift); its activation does not lift a
            // hold for provision_group_required — RequiredGroupRule decides that after the save.
            if (!active) profile.HeldForGroups = false;
            if (!profile.HeldForGroups) user.Disabled = !active;
        }
        // externalId is the client's immutable key: absent from a PUT means "unchanged", not "erase".
        if (input.ExternalId is not null) profile.ExternalId = input.ExternalId;
        profile.AttributesJson = input.Stored.ToJsonString();
        profile.UpdatedAt = now;
    }

    private async Task<ScimUserRow?> FindAsync(ScimCaller caller, string id, bool tracked, CancellationToken ct)
    {
        if (ScimIds.Parse(id) is not { } userId) return null;
        var query = Visible(caller.Strategy.Id).Where(r => r.U.Id == userId);
        return await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(ct);
    }

    private async Task<JsonObject> RenderAsync(ScimCaller caller, User user, ScimUserProfile? profile, CancellationToken ct)
    {
        var groups = await GroupsOfAsync(caller, [user.Id], ct);
        return ScimUserMapping.ToResource(user, profile, groups.TryGetValue(user.Id, out var g) ? g : [], caller.BaseUrl);
    }

    /// <summary>The groups this provider manages that each user belongs to (one query per page).</summary>
    private async Task<Dictionary<long, List<(long Id, string Name)>>> GroupsOfAsync(ScimCaller caller, List<long> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0) return [];
        var sid = caller.Strategy.Id;
        // One user (GET by id, a filter match, every write) is the common case: an equality keeps EF on its cached
        // SQL, where a list parameter is expanded into SQL again on every execution.
        var one = userIds[0];
        var members = userIds.Count == 1 ? db.GroupUsers.Where(m => m.UserId == one) : db.GroupUsers.Where(m => userIds.Contains(m.UserId));
        var rows = await (
            from m in members
            join l in db.Set<ScimGroupLink>() on m.GroupId equals l.GroupId
            where l.SsoStrategyId == sid
            orderby m.GroupId
            select new { m.UserId, m.GroupId, m.Group.Name }).ToListAsync(ct);
        return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.Select(r => (r.GroupId, r.Name)).ToList());
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
            // Two creates of one userName raced past the checks; the unique index decided.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private static ScimResponse NotFound(string id) => ScimResponse.Error(ScimError.NotFound($"User {id} not found."));

    internal static ScimResponse PreconditionFailed() =>
        ScimResponse.Error(ScimError.PreconditionFailed("The resource changed since the version given in If-Match."));
}
