using Gatehouse.Api;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Accounts;

/// <summary>
/// Whose API keys and SSH keys a request may touch (Files.com: "site admins manage keys for users; users add
/// their own"). A site admin reaches every user of the site; anyone else only themselves: naming another
/// user is refused with 403, and another user's key id simply does not exist for them (404), so ids of
/// other people's keys cannot be probed.
/// </summary>
public static class KeyOwnership
{
    /// <summary>
    /// The one user a list or create is for: <c>/users/{user_id}/…</c>, else the <c>user_id</c> parameter
    /// (<c>0</c> = the caller, as in Files.com), else the caller.
    /// </summary>
    public static async Task<(long UserId, IResult? Error)> TargetUserAsync(HttpContext http, GatehouseDb db, ApiInput input, CancellationToken ct)
    {
        long? requested;
        if (RouteUserId(http, out var routeError) is { } fromRoute) requested = fromRoute;
        else if (routeError is not null) return (0, routeError);
        else requested = input.Long("user_id", min: 0);
        if (!input.IsValid) return (0, ApiErrors.Invalid(input));

        var me = http.User.UserId();
        var target = requested is null or 0 ? me : requested.Value;
        if (target == me) return (me, null);
        if (!ApiEndpoints.IsAdmin(http)) return (0, ApiErrors.SiteAdminRequired());
        return await db.Users.AnyAsync(u => u.Id == target, ct) ? (target, null) : (0, ApiErrors.NotFound("user"));
    }

    /// <summary>
    /// The owner filter for a key looked up by id: the route's user when nested, else everyone for a
    /// site admin and the caller for anyone else. Null owner means "any user of this site".
    /// </summary>
    public static (long? OwnerId, IResult? Error) VisibleOwner(HttpContext http)
    {
        var me = http.User.UserId();
        if (RouteUserId(http, out var routeError) is { } fromRoute)
            return fromRoute == me || ApiEndpoints.IsAdmin(http) ? (fromRoute, null) : (null, ApiErrors.SiteAdminRequired());
        if (routeError is not null) return (null, routeError);
        return ApiEndpoints.IsAdmin(http) ? (null, null) : (me, null);
    }

    private static long? RouteUserId(HttpContext http, out IResult? error)
    {
        error = null;
        if (http.Request.RouteValues["user_id"] is not string raw) return null;
        if (long.TryParse(raw, out var id) && id > 0) return id;
        error = ApiErrors.NotFound("user");
        return null;
    }

    /// <summary>A key's name or a title: trimmed, bounded, printable. Records a field error and returns null when not.</summary>
    public static string? Label(ApiInput input, string field, bool required, int max = 256)
    {
        var raw = input.String(field, max, required: required);
        if (raw is null) return null;
        var value = raw.Trim();
        if (value.Length == 0) { if (input.Has(field)) input.AddError(field, "must not be blank"); return null; }
        if (value.Any(char.IsControl)) { input.AddError(field, "must not contain control characters"); return null; }
        return value;
    }
}
