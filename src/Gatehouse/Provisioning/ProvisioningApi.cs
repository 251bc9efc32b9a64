using Gatehouse.Api;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Provisioning;

/// <summary>
/// The admin's side of provisioning in the REST API: <c>/scim_logs</c> (Files.com's ScimLog fields) and the
/// circuit breaker's holds of a provider (<c>/sso_strategies/{id}/scim_holds</c>, <c>…/scim_holds/approve</c>).
/// </summary>
public static class ProvisioningApi
{
    public static void MapProvisioningApi(this RouteGroupBuilder api)
    {
        api.MapGet("/scim_logs", (HttpContext http, GatehouseDb db, ScimRequestLogQueue logs, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            // Rows of this node's recent requests may still be queued: the admin sees them now, not a batch later.
            await logs.FlushAsync(ct);
            var page = ApiPage.From(input, out var error);
            if (page is null) return error!;
            var strategy = input.Long("sso_strategy_id");
            var query = db.Set<ScimRequestLog>().Where(l => l.Id > page.AfterId);
            if (strategy is { } sid) query = query.Where(l => l.SsoStrategyId == sid);
            var rows = await page.ReadAsync(query.OrderBy(l => l.Id), l => l.Id, http, ct);
            return Results.Json(rows.Select(ToJson), ApiJson.Options);
        })).WithName("ListScimLogs").WithSummary("List SCIM request logs");

        api.MapGet("/scim_logs/{id}", async (string id, HttpContext http, GatehouseDb db, ScimRequestLogQueue logs, CancellationToken ct) =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            await logs.FlushAsync(ct);
            if (!long.TryParse(id, out var logId)) return ApiErrors.NotFound("scim_log");
            var log = await db.Set<ScimRequestLog>().FirstOrDefaultAsync(l => l.Id == logId, ct);
            return log is null ? ApiErrors.NotFound("scim_log") : Results.Json(ToJson(log), ApiJson.Options);
        }).WithName("ShowScimLog").WithSummary("Show a SCIM request log");

        api.MapGet("/sso_strategies/{id}/scim_holds", async (string id, HttpContext http, GatehouseDb db, CancellationToken ct) =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var sid) || !await db.SsoStrategies.AnyAsync(s => s.Id == sid, ct)) return ApiErrors.NotFound("sso_strategy");
            var holds = await db.Set<ScimHold>().Where(h => h.SsoStrategyId == sid).OrderByDescending(h => h.Id).Take(100).ToListAsync(ct);
            return Results.Json(holds.Select(HoldJson), ApiJson.Options);
        }).WithName("ListScimHolds").WithSummary("List the SCIM deprovisioning holds of an SSO provider");

        api.MapPost("/sso_strategies/{id}/scim_holds/approve", async (string id, HttpContext http, GatehouseDb db, ScimCircuitBreaker breaker, CancellationToken ct) =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var sid)) return ApiErrors.NotFound("sso_strategy");
            var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid, ct);
            if (s is null) return ApiErrors.NotFound("sso_strategy");
            var hold = await breaker.ApproveAsync(s, http.User.Identity!.Name!, http, ct);
            return hold is null
                ? ApiErrors.Result(404, "not-found/scim-hold-not-found", "Scim Hold Not Found", "This provider has no held SCIM deactivations to approve.")
                : Results.Json(HoldJson(hold), ApiJson.Options);
        }).WithName("ApproveScimHold").WithSummary("Approve the held SCIM deactivations of an SSO provider");
    }

    private static object ToJson(ScimRequestLog l) => new
    {
        id = l.Id,
        created_at = l.CreatedAt,
        request_path = l.RequestPath,
        request_method = l.RequestMethod,
        http_response_code = l.HttpResponseCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        user_agent = l.UserAgent,
        request_json = l.RequestJson,
        response_json = l.ResponseJson,
        sso_strategy_id = l.SsoStrategyId,
    };

    private static object HoldJson(ScimHold h) => new
    {
        id = h.Id,
        sso_strategy_id = h.SsoStrategyId,
        status = h.Status,
        created_at = h.CreatedAt,
        held_count = h.HeldCount,
        provider_user_count = h.ProviderUserCount,
        approved_at = h.ApprovedAt,
        approved_by = h.ApprovedBy,
        approved_until = h.ApprovedUntil,
    };
}
