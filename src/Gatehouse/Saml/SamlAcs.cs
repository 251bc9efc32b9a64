using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Tenancy;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Saml;

/// <summary>An IdP-initiated sign-in awaiting the user's "Continue" (login-CSRF guard).</summary>
public sealed record SamlIdpInitiatedPending(long StrategyId, string Issuer, string Subject, string? Username, string? Email, string? Name);

/// <summary>
/// The Assertion Consumer Service (HTTP-POST binding), one per provider: <c>POST /saml/{id}/acs</c>.
/// A cross-site top-level POST, so it depends on no cookie: the RelayState handle finds the server-side request
/// (and with it the expected InResponseTo), whatever the browser's SameSite defaults. Never a 5xx on any input.
/// </summary>
public sealed class SamlAcs(
    GatehouseDb db, SsoFlows flows, SpKeys spKeys, SamlIdpConfigurations configurations, ReplayCache replay,
    CompleteSsoSignIn complete, AcsDiagnostics diagnostics, IAntiforgery antiforgery, CurrentSite site, TimeProvider time,
    IOptions<GatehouseOptions> gatehouse, ILogger<SamlAcs> logger)
{
    public const string IdpInitiatedKind = "saml_idp_initiated";
    private const int MaxRelayStateBytes = 80; // Bindings §3.5.3
    private static readonly ConcurrentDictionary<string, X509Certificate2> LearnedCertificates = new();

    public async Task<IResult> HandleAsync(HttpContext http, string id, CancellationToken ct)
    {
        // 1. The provider, from the route and the site (never from the message's Issuer: CVE-2023-41890).
        var s = long.TryParse(id, out var sid) ? await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid && x.Protocol == ProviderKinds.Saml, ct) : null;

        // 2. HTTP shape: a form POST with exactly one SAMLResponse and at most one short RelayState.
        string? samlResponse = null, relay = null;
        if (!http.Request.HasFormContentType)
            return await Refuse(http, s, new("binding", "saml_binding", "The ACS accepts only an HTML form POST (HTTP-POST binding).", "application/x-www-form-urlencoded", http.Request.ContentType ?? "(none)", 400), null, "none", null, ct);
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return await Refuse(http, s, new("binding", "saml_binding", "The form could not be read (too large or malformed).", null, null, 400), null, "none", null, ct);
        }
        var values = form["SAMLResponse"];
        var relayValues = form["RelayState"];
        samlResponse = values.Count == 1 ? values[0] : null;
        relay = relayValues.Count == 1 ? relayValues[0] : null;
        var relayKind = string.IsNullOrEmpty(relay) ? "none" : "unknown";
        if (s is null)
            return await Refuse(http, null, new("provider", "saml_unknown_provider", "This sign-in address does not match any SAML provider of this site.", null, id, 404), samlResponse, relayKind, null, ct);
        if (values.Count != 1 || string.IsNullOrWhiteSpace(samlResponse) || relayValues.Count > 1)
            return await Refuse(http, s, new("binding", "saml_binding", "The form must carry exactly one SAMLResponse and at most one RelayState.", "1", values.Count.ToString(), 400), samlResponse, relayKind, null, ct);
        if (relay is not null && Encoding.UTF8.GetByteCount(relay) > MaxRelayStateBytes)
            return await Refuse(http, s, new("binding", "saml_binding", "RelayState is longer than 80 bytes (SAML Bindings §3.5.3).", $"<= {MaxRelayStateBytes}", Encoding.UTF8.GetByteCount(relay).ToString(), 400), samlResponse, relayKind, null, ct);

        // 3. The request this browser started: single use, this site's (query filter) and this provider's.
        SamlRequestState? request = null;
        if (!string.IsNullOrEmpty(relay) && await flows.ConsumeAsync<SamlRequestState>(SamlProtocolHandler.RequestKind, relay, ct) is { } flow)
        {
            relayKind = "known";
            if (flow.StrategyId != s.Id)
                return await Refuse(http, s, new("request_state", "saml_wrong_provider", "This sign-in was started for another provider. Please sign in again.", $"provider {flow.StrategyId}", $"provider {s.Id}"), samlResponse, relayKind, null, ct);
            request = flow.Data;
        }
        if (request is null && !s.AllowIdpInitiated)
        {
            var message = relayKind == "unknown"
                ? "This sign-in request has expired, was already used, or was started elsewhere. Please sign in again."
                : $"Sign-in must start from this site (IdP-initiated sign-in is turned off for {s.Label}). Please sign in again.";
            return await Refuse(http, s, new("request_state", relayKind == "unknown" ? "saml_unknown_relay_state" : "saml_unsolicited", message,
                "a RelayState this site issued", relayKind), samlResponse, relayKind, null, ct);
        }

        // 4. The provider must be on and configured.
        if (!s.Enabled)
            return await Refuse(http, s, new("provider", "provider_disabled", $"Signing in with {s.Label} is turned off for this site."), samlResponse, relayKind, null, ct);
        var config = configurations.For(s);
        if (config.Problem is not null || config.EntityId is null)
            return await Refuse(http, s, new("configuration", "saml_configuration", config.Problem ?? "No IdP entity ID is configured."), samlResponse, relayKind, null, ct);

        // 5. The engine, with everything taken from configuration and the server-side request, none from the message.
        var keys = await spKeys.GetAsync(db, s, ct);
        var urls = SamlSpUrls.For(s, http.Request, gatehouse.Value);
        var options = SamlProviderOptions.Read(s);
        // By hand, pinned fingerprints trust the KeyInfo certificates that match them, alongside any pasted certificates.
        var trusted = config.PinnedFingerprints.Count == 0 ? config.Certificates
            : config.Certificates.Concat(config.PinnedFingerprints.SelectMany(pin => ByFingerprint(samlResponse, pin))).ToList();
        if (trusted.Count == 0)
            return await Refuse(http, s, new("signature", "saml_untrusted_certificate",
                "The response's signing certificate is not the one configured for this provider.", string.Join(", ", config.ConfiguredFingerprints),
                string.Join(", ", KeyInfoCertificates.Fingerprints(samlResponse))), samlResponse, relayKind, config.ConfiguredFingerprints, ct);
        var result = SamlResponseValidator.Validate(new ResponseValidationParameters
        {
            SamlResponse = samlResponse,
            ExpectedIssuer = config.EntityId,
            TrustedSigningCertificates = trusted,
            SpEntityId = urls.EntityId,
            AcsUrl = urls.AcsUrl,
            ExpectedInResponseTo = request?.RequestId,
            AllowIdpInitiated = request is null && s.AllowIdpInitiated,
            Now = time.GetUtcNow(),
            ClockSkew = TimeSpan.FromSeconds(s.ClockSkewSeconds),
            AllowSha1 = options.AllowSha1,
            RequireAssertionSignature = options.RequireSignedAssertions,
            DecryptionKeys = keys.DecryptionKeys,
        });
        if (!result.Succeeded)
            return await Refuse(http, s, AcsFailure.From(result.Error!), samlResponse, relayKind, config.ConfiguredFingerprints, ct);
        var assertion = result.Assertion!;

        // 6. Replay: each assertion ID once, until it could no longer be valid anyway (Profiles §4.1.4.5).
        var skew = TimeSpan.FromSeconds(s.ClockSkewSeconds);
        if (!await replay.TryAddAsync($"saml:{s.Id}:{assertion.AssertionId}", (assertion.NotOnOrAfter + skew).UtcDateTime, ct))
            return await Refuse(http, s, new("replay", "saml_replay", "This assertion was already used (replay).", "a new assertion ID", assertion.AssertionId), samlResponse, relayKind, null, ct);

        // 7. Who the IdP vouched for; CompleteSsoSignIn finds the user among this provider's users, asks once to
        //    Authorize, starts the session and audits.
        var identity = SamlIdentity.From(assertion, s);
        SamlLog.ResponseAccepted(logger, s.Id, request is null);
        if (request is not null) return await complete.HandleAsync(http, s, identity, request.ReturnTo, ct);

        // 8. IdP-initiated: nobody here asked for it, so the user confirms before anything happens (login CSRF).
        var handle = await flows.StartAsync(IdpInitiatedKind, s.Id,
            new SamlIdpInitiatedPending(s.Id, identity.Issuer, identity.Subject, identity.Username, identity.Email, identity.Name), TimeSpan.FromMinutes(5), ct);
        var tokens = antiforgery.GetAndStoreTokens(http);
        return SamlPages.ConfirmIdpInitiated(s, site.Required.Subdomain, handle, tokens);
    }

    /// <summary><c>POST /saml/{id}/continue</c>: the user confirmed an IdP-initiated sign-in.</summary>
    public async Task<IResult> ContinueAsync(HttpContext http, string id, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
            return SsoSignInEndpoints.Page(400, "Sign-in expired", "This sign-in confirmation has expired. Please sign in again.");
        var form = await http.Request.ReadFormAsync(ct);
        var pending = await flows.ConsumeAsync<SamlIdpInitiatedPending>(IdpInitiatedKind, form["handle"].ToString(), ct);
        var s = long.TryParse(id, out var sid) ? await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid, ct) : null;
        if (pending is null || s is null || pending.Value.StrategyId != s.Id)
            return SsoSignInEndpoints.Page(400, "Sign-in expired", "This sign-in confirmation has expired or was already used. Please sign in again.");
        var p = pending.Value.Data;
        return await complete.HandleAsync(http, s, new ExternalIdentity(p.Issuer, p.Subject, p.Username, p.Email, p.Name), null, ct);
    }

    private Task<IResult> Refuse(HttpContext http, SsoStrategy? s, AcsFailure failure, string? samlResponse, string relayKind,
        IEnumerable<string>? configured, CancellationToken ct) =>
        diagnostics.RefuseAsync(http, s, failure, samlResponse, relayKind, configured, ct);

    /// <summary>By-hand configuration: the KeyInfo certificate whose SHA-256 equals the pinned fingerprint, as the
    /// only trusted key (KeyInfo is a hint; the pin is the trust). Instances are reused so their keys stay cached.</summary>
    private static IReadOnlyList<X509Certificate2> ByFingerprint(string? samlResponse, string pinned)
    {
        var want = SamlFingerprints.Normalize(pinned);
        if (LearnedCertificates.TryGetValue(want, out var known)) return [known];
        foreach (var c in KeyInfoCertificates.Read(samlResponse))
            if (SamlFingerprints.Normalize(SamlFingerprints.Of(c)) == want)
                return [LearnedCertificates.GetOrAdd(want, c)];
        return [];
    }
}
