using System.Text.Json;
using Gatehouse.Audit;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Saml;

/// <summary>What a SAML sign-in leaves for its logout: the NameID and SessionIndex the IdP must be told about.</summary>
public sealed record SamlSessionData(string NameId, string? NameIdFormat, string? SessionIndex)
{
    public string ToJson() => JsonSerializer.Serialize(this);
}

/// <summary>A LogoutRequest we sent and await the answer to (RelayState handle → request ID).</summary>
public sealed record SamlLogoutState(string RequestId);

/// <summary>
/// SP-initiated Single Logout. The local session is already revoked when <see cref="StartAsync"/> runs (the
/// caller ends it first), so an IdP that never answers leaves nobody signed in here; the LogoutRequest only asks
/// the IdP to end its own session. The LogoutResponse comes back to <c>GET /saml/{id}/slo</c>.
/// </summary>
public sealed class SamlLogout(GatehouseDb db, SsoFlows flows, SpKeys spKeys, SamlIdpConfigurations configurations, AuditLog audit,
    TimeProvider time, IOptions<GatehouseOptions> gatehouse)
{
    public const string LogoutKind = "saml_logout";

    /// <summary>The redirect to the IdP's SLO endpoint, or null when this provider has none.</summary>
    public async Task<string?> StartAsync(HttpContext http, long strategyId, string sessionJson, CancellationToken ct)
    {
        var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == strategyId && x.Protocol == ProviderKinds.Saml, ct);
        if (s is null) return null;
        var config = configurations.For(s);
        if (config.SloUrl is null || config.EntityId is null) return null;
        SamlSessionData? session;
        try { session = JsonSerializer.Deserialize<SamlSessionData>(sessionJson); }
        catch (JsonException) { return null; }
        if (session is null) return null;
        var keys = await spKeys.GetAsync(db, s, ct);
        var sign = SamlProviderOptions.Read(s).SignAuthnRequests ?? config.WantAuthnRequestsSigned;
        var urls = SamlSpUrls.For(s, http.Request, gatehouse.Value);
        LogoutRequestMessage? message = null;
        await flows.StartAsync(LogoutKind, s.Id, handle =>
        {
            message = SingleLogout.BuildRequest(new LogoutRequestParameters
            {
                SpEntityId = urls.EntityId, IdpSloUrl = config.SloUrl, NameId = session.NameId, NameIdFormat = session.NameIdFormat,
                SessionIndex = session.SessionIndex, Now = time.GetUtcNow(), RelayState = handle, SigningKey = sign ? keys.SigningKey : null,
            });
            return new SamlLogoutState(message.Id);
        }, TimeSpan.FromMinutes(10), ct);
        return message!.RedirectUrl;
    }

    /// <summary><c>GET /saml/{id}/slo</c>: the IdP's LogoutResponse. Whatever it says, the user is signed out here.</summary>
    public async Task<IResult> HandleResponseAsync(HttpContext http, string id, CancellationToken ct)
    {
        var s = long.TryParse(id, out var sid) ? await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid && x.Protocol == ProviderKinds.Saml, ct) : null;
        if (s is null) return SsoSignInEndpoints.Page(404, "Not found", "This address does not match any SAML provider of this site.");
        var query = http.Request.QueryString.Value ?? "";
        if (http.Request.Query.ContainsKey("SAMLRequest"))
            return await Refused(http, s, "saml_slo_unsupported", "IdP-initiated logout requests are not supported; you are not signed out by this link.", null, null, ct);
        var relay = http.Request.Query["RelayState"];
        var flow = relay.Count == 1 ? await flows.ConsumeAsync<SamlLogoutState>(LogoutKind, relay[0], ct) : null;
        if (flow is null || flow.Value.StrategyId != s.Id)
            return await Refused(http, s, "saml_slo_unknown_request", "This logout answer does not match a logout this site started (expired or already used).", null, null, ct);
        var config = configurations.For(s);
        var urls = SamlSpUrls.For(s, http.Request, gatehouse.Value);
        var result = SingleLogout.ReadResponse(query, config.EntityId ?? "", flow.Value.Data.RequestId, urls.SloUrl, config.Certificates,
            requireSignature: false);
        if (!result.Succeeded)
            return await Refused(http, s, AcsFailure.From(result.Error!).Reason, result.Error!.Message, result.Error.Want, result.Error.Got, ct);
        if (result.StatusCode != "urn:oasis:names:tc:SAML:2.0:status:Success")
            return await Refused(http, s, "saml_slo_status", $"{s.Label} reported that it could not end your session there.", "Success", result.StatusCode, ct);
        audit.Add(SsoEventTypes.SessionRevoked, true, "saml_slo", $"Signed out of {s.Label} (single logout)", @interface: "web", http: http,
            provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id);
        await db.SaveChangesAsync(ct);
        return SsoSignInEndpoints.Page(200, "Signed out", $"You are signed out of this site and of {s.Label}.");
    }

    private async Task<IResult> Refused(HttpContext http, SsoStrategy s, string reason, string message, string? want, string? got, CancellationToken ct)
    {
        var e = audit.Add(SsoEventTypes.SessionRevoked, false, reason, $"SAML logout response refused: {message}", @interface: "web", http: http,
            provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id,
            body: JsonSerializer.Serialize(new { stage = "logout", code = reason, message, want, got }));
        await db.SaveChangesAsync(ct);
        return SsoSignInEndpoints.Page(400, "Signed out here",
            $"You are signed out of this site, but {s.Label} did not confirm the end of your session there: {message} Close your browser to be sure. (Reference: {e.Id})");
    }
}
