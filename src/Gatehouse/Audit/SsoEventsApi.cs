using Gatehouse.Api;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Audit;

/// <summary>The Files.com <c>SsoEvent</c> object; <c>event_errors</c> carries the message of a failure.</summary>
public sealed record SsoEventJson(
    long Id, string EventType, string Status, string? Reason, string? Message, string? Body, string[] EventErrors,
    DateTime CreatedAt, long? UserId, string? Username, string? IdpUid, string? Provider, string? ProviderLabel,
    long? SsoStrategyId, string? Interface, string? Ip)
{
    public static SsoEventJson From(SsoEvent e) => new(
        e.Id, e.EventType, e.Status, e.Reason, e.Message, string.IsNullOrEmpty(e.Body) ? null : e.Body,
        e.Status == "success" ? [] : [e.Message ?? e.Reason ?? e.Status],
        e.CreatedAt, e.UserId, e.Username, e.IdpUid, e.Provider, e.ProviderLabel, e.SsoStrategyId, e.Interface, e.Ip);
}

/// <summary>Files.com <c>/sso_events</c>: the audit of sign-ins, syncs and changes, newest first. Site admins only.</summary>
public static class SsoEventsApi
{
    private static readonly string[] Statuses = ["success", "failure", "partial_failure"];

    public static void MapSsoEventsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/sso_events", (HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            var page = ApiPage.From(input, out var error);
            if (page is null) return error!;
            // Newest first, so the cursor is the last id seen and the next page lies below it.
            var query = db.SsoEvents.Where(e => page.AfterId == 0 || e.Id < page.AfterId);
            if (input.Enum("filter[status]", Statuses) is { } status) query = query.Where(e => e.Status == status);
            if (input.Long("filter[user_id]") is { } userId) query = query.Where(e => e.UserId == userId);
            if (input.String("filter[username]", 128) is { Length: > 0 } username)
            {
                var normalized = username.Trim().ToLower();
                query = query.Where(e => e.Username != null && e.Username.ToLower() == normalized);
            }
            if (input.String("filter[event_type]", 64) is { Length: > 0 } eventType) query = query.Where(e => e.EventType == eventType);
            if (!input.IsValid) return ApiErrors.Invalid(input);
            var rows = await page.ReadAsync(query.OrderByDescending(e => e.Id), e => e.Id, http, ct);
            return Results.Json(rows.Select(SsoEventJson.From), ApiJson.Options);
        })).WithName("ListSsoEvents").WithSummary("List SSO events, newest first");

        api.MapGet("/sso_events/{id}", (string id, HttpContext http, GatehouseDb db, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
        {
            if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
            if (!long.TryParse(id, out var eventId)) return ApiErrors.NotFound("sso-event");
            var e = await db.SsoEvents.FirstOrDefaultAsync(x => x.Id == eventId, ct);
            return e is null ? ApiErrors.NotFound("sso-event") : Results.Json(SsoEventJson.From(e), ApiJson.Options);
        })).WithName("ShowSsoEvent").WithSummary("Show an SSO event");
    }
}
