using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Saml;

/// <summary>Why and where an ACS request was refused: the stage, a stable reason, want vs got.</summary>
public sealed record AcsFailure(string Stage, string Reason, string Message, string? Want = null, string? Got = null, int Status = 403)
{
    public static AcsFailure From(SamlError e) => new(StageOf(e.Code), "saml_" + JsonNamingPolicy.SnakeCaseLower.ConvertName(e.Code.ToString()),
        e.Message, e.Want, e.Got, (int)e.Code < 10 ? 400 : 403);

    private static string StageOf(SamlErrorCode code) => (int)code switch
    {
        < 10 => "parse",
        17 => "status",
        < 30 => "structure",
        < 50 => "signature",
        < 60 => "decryption",
        _ => "assertion",
    };
}

/// <summary>
/// Turns a refusal into what each audience needs: the browser a readable page with a reference (no XML echo),
/// the admin an sso_event with the stage, want vs got, and the response redacted (signature values and
/// ciphertext removed, 16 KB at most), kept for <see cref="SamlOptions.RawResponseRetention"/>.
/// </summary>
public sealed partial class AcsDiagnostics(GatehouseDb db, AuditLog audit, ILogger<AcsDiagnostics> logger)
{
    public const int MaxRawChars = 16 * 1024;
    private const string RawKey = "raw_response";

    public async Task<IResult> RefuseAsync(HttpContext http, SsoStrategy? s, AcsFailure failure, string? samlResponse, string relayState,
        IEnumerable<string>? configuredFingerprints, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["stage"] = failure.Stage,
            ["code"] = failure.Reason,
            ["message"] = failure.Message,
            ["want"] = failure.Want,
            ["got"] = failure.Got,
            ["relay_state"] = relayState,
        };
        if (failure.Stage == "signature")
        {
            body["received_certificate_fingerprints"] = new JsonArray(KeyInfoCertificates.Fingerprints(samlResponse).Select(f => (JsonNode?)f).ToArray());
            if (configuredFingerprints is not null)
                body["configured_certificate_fingerprints"] = new JsonArray(configuredFingerprints.Select(f => (JsonNode?)f).ToArray());
        }
        if (Redact(samlResponse) is { } raw) body[RawKey] = raw;

        var e = audit.Add(SsoEventTypes.SsoLogin, false, failure.Reason,
            $"SAML response refused at {failure.Stage}: {failure.Message}", @interface: "web", http: http,
            provider: s?.Provider, providerLabel: s?.Label, ssoStrategyId: s?.Id, body: body.ToJsonString());
        await db.SaveChangesAsync(ct);
        SamlLog.ResponseRefused(logger, s?.Id, failure.Stage, failure.Reason, e.Id);

        var who = s is null ? "this provider" : s.Label;
        var text = failure.Stage switch
        {
            "status" => $"{who} did not sign you in. {failure.Message}",
            "replay" => "This sign-in response was already used. Please sign in again.",
            "request_state" => failure.Message,
            "provider" => failure.Message,
            "binding" => "The sign-in response could not be read. Please sign in again.",
            "configuration" => $"Signing in with {who} is not working right now: the provider's configuration is incomplete or out of date. Ask your site administrator.",
            _ => $"The sign-in response from {who} could not be accepted ({failure.Stage} check failed). Please try again, or ask your site administrator.",
        };
        return SsoSignInEndpoints.Page(failure.Status, "Sign-in refused", $"{text} (Reference: {e.Id})");
    }

    /// <summary>The decoded response without SignatureValue, CipherValue and DigestValue contents, at most 16 KB;
    /// a response that is not base64 is kept as its first characters only.</summary>
    public static string? Redact(string? samlResponse)
    {
        if (string.IsNullOrEmpty(samlResponse)) return null;
        string xml;
        var bytes = new byte[Math.Min(samlResponse.Length, 4 * MaxRawChars * 4)];
        var head = samlResponse.Length <= bytes.Length ? samlResponse : samlResponse[..(bytes.Length / 4 * 4)];
        if (Convert.TryFromBase64String(head, bytes, out var n)) xml = Encoding.UTF8.GetString(bytes, 0, n);
        else return "[not base64] " + Truncate(samlResponse, 256);
        try
        {
            xml = SecretValues().Replace(xml, "$1[redacted]$3");
        }
        catch (RegexMatchTimeoutException)
        {
            return "[not kept: the response could not be redacted in time]";
        }
        return Truncate(xml, MaxRawChars);
    }

    /// <summary>Drops kept responses older than <paramref name="before"/> (the event itself stays).</summary>
    public static async Task<int> PurgeRawResponsesAsync(GatehouseDb db, DateTime before, CancellationToken ct)
    {
        var events = await db.SsoEvents.IgnoreQueryFilters()
            .Where(e => e.EventType == SsoEventTypes.SsoLogin && e.CreatedAt < before && e.Body != null && e.Body.Contains("\"" + RawKey + "\""))
            .OrderBy(e => e.Id).Take(500).ToListAsync(ct);
        foreach (var e in events)
        {
            JsonObject? o;
            try { o = JsonNode.Parse(e.Body!) as JsonObject; }
            catch (JsonException) { o = null; }
            if (o is null || !o.Remove(RawKey)) continue;
            o["raw_response_purged"] = true;
            e.Body = o.ToJsonString();
        }
        await db.SaveChangesAsync(ct);
        return events.Count;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…[truncated]";

    [GeneratedRegex(@"(<(?:[A-Za-z_][\w.-]*:)?(?:SignatureValue|CipherValue|DigestValue)\b[^>]*>)([^<]*)(</)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SecretValues();
}
