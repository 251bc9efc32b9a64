using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Tenancy;

/// <summary>
/// Picks the site from the Host header: <c>{subdomain}.{BaseDomain}</c>. Requests for an unknown site get a
/// plain 404; <c>/healthz</c> answers on any host. The site is fixed for the request before anything else runs.
/// </summary>
public sealed class SiteResolutionMiddleware(RequestDelegate next, IOptions<GatehouseOptions> options)
{
    public async Task InvokeAsync(HttpContext http, CurrentSite current, GatehouseDb db)
    {
        if (http.Request.Path.StartsWithSegments("/healthz"))
        {
            await next(http);
            return;
        }
        var subdomain = SubdomainOf(http.Request.Host.Host, options.Value.BaseDomain);
        if (subdomain is not null && db is SqliteGatehouseDb)
        {
            // One open per request instead of one per query: opening a pooled SQLite connection re-registers EF's
            // functions on the native handle and closing it tears them down again — 3–4 % of a SCIM create's CPU when
            // it happened five times a request. An open connection with no statement running holds no lock or snapshot.
            // A connection kept open from an earlier request (SqliteKeptOpenConnection) is left as it is: no open, no close.
            await db.Database.OpenConnectionAsync(http.RequestAborted);
            try { await ResolveAsync(http, current, db, subdomain); }
            finally { await db.Database.CloseConnectionAsync(); }
            return;
        }
        await ResolveAsync(http, current, db, subdomain);
    }

    private async Task ResolveAsync(HttpContext http, CurrentSite current, GatehouseDb db, string? subdomain)
    {
        var site = subdomain is null ? null
            : await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.Subdomain == subdomain, http.RequestAborted);
        if (site is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            if (http.Request.Path.StartsWithSegments("/api"))
                await Api.ApiErrors.Write(http, 404, "not-found/site-not-found", "Site Not Found", "No site is served at this address.");
            else
            {
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.WriteAsync("<!doctype html><title>Site not found</title><h1>Site not found</h1><p>No site is served at this address.</p>");
            }
            return;
        }
        current.Set(site);
        await next(http);
    }

    public static string? SubdomainOf(string host, string baseDomain)
    {
        host = host.TrimEnd('.').ToLowerInvariant();
        var suffix = "." + baseDomain.Trim('.').ToLowerInvariant();
        if (!host.EndsWith(suffix, StringComparison.Ordinal)) return null;
        var sub = host[..^suffix.Length];
        return SubdomainRules.IsValid(sub) ? sub : null;
    }
}

public static class SubdomainRules
{
    private static readonly HashSet<string> Reserved = ["www", "api", "admin", "app", "mail", "localhost"];

    /// <summary>A DNS label: 1–63 of a-z, 0-9 and inner hyphens.</summary>
    public static bool IsValid(string s) =>
        s.Length is >= 1 and <= 63 && s.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && s[0] != '-' && s[^1] != '-';

    public static string? Problem(string s) =>
        !IsValid(s) ? "must be 1–63 lower-case letters, digits or inner hyphens"
        : Reserved.Contains(s) ? "is reserved" : null;
}
