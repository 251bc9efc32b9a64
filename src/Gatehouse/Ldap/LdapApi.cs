using Gatehouse.Api;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Ldap;

/// <summary>
/// <c>POST /sso_strategies/{id}/sync</c> (Files.com; we answer 200 with the run's counts, 202 when the run is held
/// for approval), <c>GET /sso_strategies/{id}/sync</c> (last run and held run), <c>POST /sso_strategies/{id}/sync/approve</c>
/// (same as <c>approve_held_run=true</c>) and <c>POST /sso_strategies/{id}/test_connection</c>. Site admins only.
/// </summary>
public static class LdapApi
{
    public static void MapLdapApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/sso_strategies/{id}");

        group.MapPost("/sync", (string id, HttpContext http, GatehouseDb db, LdapSync sync, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            var approve = input.Bool("approve_held_run") == true;
            if (!input.IsValid) return ApiErrors.Invalid(input);
            return await RunSync(id, approve, http, db, sync, ct);
        })).WithName("SyncSsoStrategy").WithSummary("Run LDAP/AD directory sync now (approve_held_run=true applies a held run)");

        group.MapPost("/sync/approve", (string id, HttpContext http, GatehouseDb db, LdapSync sync, CancellationToken ct) =>
            RunSync(id, true, http, db, sync, ct)).WithName("ApproveSsoStrategySync").WithSummary("Approve and apply the held directory sync run");

        group.MapGet("/sync", async (string id, HttpContext http, GatehouseDb db, CancellationToken ct) =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var s = await Find(id, db, ct);
            if (s is null || s.Protocol != ProviderKinds.Ldap) return ApiErrors.NotFound("sso-strategy");
            var state = LdapSyncState.Read(s);
            return Results.Json(new { last_run = state.LastRun, held_run = state.HeldRun, next_scheduled_run_at = s.ProtocolCacheRefreshAt, error = s.ProtocolCacheError }, ApiJson.Options);
        }).WithName("ShowSsoStrategySync").WithSummary("Last directory sync run and any run held for approval");

        group.MapPost("/test_connection", (string id, HttpContext http, GatehouseDb db, LdapTestConnection test, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var username = input.String("username", 128);
            if (!input.IsValid) return ApiErrors.Invalid(input);
            var s = await Find(id, db, ct);
            if (s is null) return ApiErrors.NotFound("sso-strategy");
            if (s.Protocol != ProviderKinds.Ldap) return ApiErrors.Result(422, "processing-failure/not-a-directory-provider", "Not A Directory Provider", "Only LDAP and Active Directory providers have a connection to test.");
            var report = await test.RunAsync(s, username, ct);
            return Results.Json(new { ok = report.Ok, host = report.Host, steps = report.Steps }, ApiJson.Options);
        })).WithName("TestSsoStrategyConnection").WithSummary("Check an LDAP/AD provider step by step: connect, TLS, bind, search");
    }

    private static async Task<IResult> RunSync(string id, bool approve, HttpContext http, GatehouseDb db, LdapSync sync, CancellationToken ct)
    {
        if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
        var s = await Find(id, db, ct);
        if (s is null) return ApiErrors.NotFound("sso-strategy");
        var result = await sync.RunAsync(s, "manual", approve, http.User.Identity?.Name, http, ct);
        if (result.Violation is { } v && result.Summary is null)
            return ApiErrors.Result(v.Status, v.Type, Title(v.Type), v.Message);
        if (result.Violation is { } failed)
            return Results.Json(new Dictionary<string, object?>
            {
                ["error"] = failed.Message, ["http-code"] = failed.Status, ["title"] = Title(failed.Type), ["type"] = failed.Type, ["sync"] = result.Summary,
            }, ApiJson.Options, statusCode: failed.Status);
        return Results.Json(new { sync = result.Summary, held_run = result.Held }, ApiJson.Options, statusCode: result.Held is null ? 200 : 202);
    }

    private static async Task<SsoStrategy?> Find(string id, GatehouseDb db, CancellationToken ct) =>
        long.TryParse(id, out var sid) ? await db.SsoStrategies.FirstOrDefaultAsync(s => s.Id == sid, ct) : null;

    private static string Title(string type) =>
        string.Join(' ', type.Split('/').Last().Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
