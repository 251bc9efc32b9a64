using Gatehouse.Api;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Providers;

/// <summary>
/// <c>/sso_strategies</c>: list and show as Files.com, plus create, update, delete and
/// <c>move_users</c> (Gatehouse's own). Site admins only.
/// </summary>
public static class SsoStrategiesApi
{
    public static void MapSsoStrategiesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/sso_strategies");

        group.MapGet("", (HttpContext http, GatehouseDb db, ProtocolHandlers handlers, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var page = ApiPage.From(input, out var error);
            if (page is null) return error!;
            var rows = await page.ReadAsync(db.SsoStrategies.Where(s => s.Id > page.AfterId).OrderBy(s => s.Id)
                .Select(s => new { Strategy = s, Users = db.Users.Count(u => u.SsoStrategyId == s.Id) }), x => x.Strategy.Id, http, ct);
            return Results.Json(rows.Select(x => ToJson(x.Strategy, x.Users, handlers, http)), ApiJson.Options);
        })).WithName("ListSsoStrategies").WithSummary("List SSO providers");

        group.MapGet("/{id}", async (string id, HttpContext http, GatehouseDb db, ProtocolHandlers handlers, CancellationToken ct) =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var sid)) return NotFound();
            var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid, ct);
            return s is null ? NotFound() : Results.Json(ToJson(s, await db.Users.CountAsync(u => u.SsoStrategyId == s.Id, ct), handlers, http), ApiJson.Options);
        }).WithName("ShowSsoStrategy").WithSummary("Show an SSO provider");

        group.MapPost("", (HttpContext http, SaveSsoStrategy save, GatehouseDb db, ProtocolHandlers handlers, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var result = await save.HandleAsync(null, input, http.User.Identity!.Name!, http, ct);
            if (!result.Succeeded) return Failure(result.Violation!, input);
            return Results.Json(ToJson(result.Strategy!, 0, handlers, http, result.OneTimeSecrets), ApiJson.Options, statusCode: 201);
        })).WithName("CreateSsoStrategy").WithSummary("Add an SSO provider");

        group.MapMethods("/{id}", ["PATCH", "PUT"], (string id, HttpContext http, SaveSsoStrategy save, GatehouseDb db, ProtocolHandlers handlers, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var sid)) return NotFound();
            var result = await save.HandleAsync(sid, input, http.User.Identity!.Name!, http, ct);
            if (!result.Succeeded) return Failure(result.Violation!, input);
            var users = await db.Users.CountAsync(u => u.SsoStrategyId == sid, ct);
            return Results.Json(ToJson(result.Strategy!, users, handlers, http, result.OneTimeSecrets), ApiJson.Options);
        })).WithName("UpdateSsoStrategy").WithSummary("Change an SSO provider (disable ends its users' sessions)");

        group.MapDelete("/{id}", async (string id, HttpContext http, RemoveSsoStrategy remove, CancellationToken ct) =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var sid)) return NotFound();
            var violation = await remove.HandleAsync(sid, http.User.Identity!.Name!, http, ct);
            return violation is null ? Results.NoContent() : ApiErrors.Result(violation.Status, violation.Type, Title(violation.Type), violation.Message);
        }).WithName("DeleteSsoStrategy").WithSummary("Remove an SSO provider that has no users");

        group.MapPost("/{id}/move_users", (string id, HttpContext http, GatehouseDb db, ProviderLifecycle lifecycle, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var sid)) return NotFound();
            var toId = input.Long("to_sso_strategy_id");
            if (toId is null && input.IsValid) input.AddError("to_sso_strategy_id", "is required");
            var userIds = input.LongList("user_ids");
            var dryRun = input.Bool("dry_run") == true;
            if (!input.IsValid) return ApiErrors.Invalid(input);
            var from = await db.SsoStrategies.FirstOrDefaultAsync(s => s.Id == sid, ct);
            var to = await db.SsoStrategies.FirstOrDefaultAsync(s => s.Id == toId, ct);
            if (from is null) return NotFound();
            if (to is null) { input.AddError("to_sso_strategy_id", "must be an SSO provider of this site"); return ApiErrors.Invalid(input); }
            var result = await lifecycle.MoveUsersAsync(from, to, userIds, dryRun, http.User.Identity!.Name!, http, ct);
            if (result.Error is not null) return ApiErrors.Result(422, "processing-failure/move-users-failed", "Move Users Failed", result.Error);
            return Results.Json(new { moved = dryRun ? 0 : result.Moved, would_move = dryRun ? result.Moved : 0, dry_run = dryRun, usernames = result.Usernames,
                from_sso_strategy_id = from.Id, to_sso_strategy_id = to.Id }, ApiJson.Options);
        })).WithName("MoveSsoStrategyUsers").WithSummary("Move all or selected users to another provider (dry_run previews)");
    }

    public static SsoStrategyJson ToJson(SsoStrategy s, int users, ProtocolHandlers handlers, HttpContext http, (string?, string?) secrets = default) =>
        handlers.For(s).Describe(s, SsoStrategyJson.From(s, users, handlers.Endpoints(s, http.Request), handlers.For(s).SignInAvailable, secrets));

    private static IResult NotFound() => ApiErrors.NotFound("sso-strategy");

    private static IResult Failure(RuleViolation v, ApiInput input) =>
        v.Status == 422 ? ApiErrors.Invalid(input) : ApiErrors.Result(v.Status, v.Type, Title(v.Type), v.Message);

    private static string Title(string type) =>
        string.Join(' ', type.Split('/').Last().Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
