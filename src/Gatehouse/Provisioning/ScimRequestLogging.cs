using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Provisioning;

/// <summary>
/// Writes one <see cref="ScimRequestLog"/> per SCIM request (SSOReady's request log, Files.com's ScimLog). Bodies are
/// redacted before they are stored: any member whose name says password, secret or token loses its value, and
/// the Authorization header is never kept. The row is handed to <see cref="ScimRequestLogQueue"/>, which writes
/// rows in batches so that a SCIM request costs one commit, not two.
/// </summary>
public sealed partial class ScimRequestLogger(CurrentSite site, ScimRequestLogQueue queue, IOptions<ScimOptions> options, TimeProvider time)
{
    public Task WriteAsync(HttpContext http, long? strategyId, ScimResponse response, CancellationToken ct)
    {
        if (site.Id is not { } siteId) return Task.CompletedTask;
        var max = options.Value.MaxLoggedBody;
        var path = http.Request.Path + http.Request.QueryString;
        var entry = new ScimRequestLog
        {
            SiteId = siteId,
            SsoStrategyId = strategyId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
            RequestPath = Truncate(path, 2048)!,
            RequestMethod = http.Request.Method,
            HttpResponseCode = response.Status,
            UserAgent = Truncate(http.Request.Headers.UserAgent.ToString(), 512),
            RequestJson = Truncate(Redact(http.Items[ScimBody.TextItem] as string), max),
            ResponseJson = Truncate(response.Body is null ? null : Redact(response.Body.ToJsonString()), max),
        };
        queue.Enqueue(entry);
        return Task.CompletedTask;
    }

    public static string? Redact(string? json)
    {
        if (string.IsNullOrEmpty(json)) return json;
        // Most bodies name no secret at all: skip the parse. A key can only be secret if its text says so, unless it
        // is spelled with \u escapes — those bodies take the full path.
        if (!MentionsSecret(json) && !json.Contains("\\u", StringComparison.Ordinal)) return json;
        try
        {
            var node = JsonNode.Parse(json);
            if (node is null) return json;
            RedactNode(node);
            return node.ToJsonString();
        }
        catch (JsonException)
        {
            // Not JSON: still hide anything that looks like "password": "…".
            return SecretPair().Replace(json, "$1\"[redacted]\"");
        }
        catch (ArgumentException)
        {
            return SecretPair().Replace(json, "$1\"[redacted]\"");
        }
    }

    private static void RedactNode(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(kv => kv.Key).ToList())
                {
                    if (IsSecret(key)) obj[key] = "[redacted]";
                    else if (obj[key] is { } child) RedactNode(child);
                }
                break;
            case JsonArray array:
                foreach (var item in array) if (item is not null) RedactNode(item);
                break;
        }
    }

    private static bool MentionsSecret(string text) =>
        text.Contains("password", StringComparison.OrdinalIgnoreCase) || text.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || text.Contains("token", StringComparison.OrdinalIgnoreCase);

    private static bool IsSecret(string key) =>
        key.Contains("password", StringComparison.OrdinalIgnoreCase) || key.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || key.Contains("token", StringComparison.OrdinalIgnoreCase);

    private static string? Truncate(string? s, int max) => string.IsNullOrEmpty(s) ? null : s.Length > max ? s[..max] : s;

    [GeneratedRegex("(\"[^\"]*(?:password|secret|token)[^\"]*\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPair();
}

/// <summary>Deletes SCIM request logs past their retention, and old circuit-breaker records, for every site.</summary>
public sealed class ScimLogPurge(IServiceScopeFactory scopes, IOptions<ScimOptions> options, TimeProvider time, ILogger<ScimLogPurge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                ScimLog.PurgeFailed(logger, e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var now = time.GetUtcNow().UtcDateTime;
        var logCutoff = now - options.Value.LogRetention;
        // Cross-site on purpose: this is housekeeping, not a request of one site.
        var purged = await db.Set<ScimRequestLog>().IgnoreQueryFilters().Where(l => l.CreatedAt < logCutoff).ExecuteDeleteAsync(ct);
        var deactivationCutoff = now - options.Value.CircuitBreaker.Window - TimeSpan.FromDays(1);
        await db.Set<ScimDeactivation>().IgnoreQueryFilters().Where(d => d.CreatedAt < deactivationCutoff).ExecuteDeleteAsync(ct);
        return purged;
    }
}

/// <summary>SCIM's log messages (event ids 7000–7099). Never a token, password or request body.</summary>
public static partial class ScimLog
{
    [LoggerMessage(7010, LogLevel.Warning, "{Count} SCIM request-log rows were dropped: more than {Capacity} were waiting for the database")]
    public static partial void RequestLogDropped(ILogger logger, long count, int capacity);

    [LoggerMessage(7001, LogLevel.Error, "SCIM request {Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(7002, LogLevel.Warning, "Could not write a SCIM request log entry")]
    public static partial void RequestLogFailed(ILogger logger, Exception exception);

    [LoggerMessage(7003, LogLevel.Warning, "Purging old SCIM request logs failed")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);
}
