using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Gatehouse.Oidc;

/// <summary>
/// <c>/oidc/{id}/callback</c> (GET for response_mode=query, POST for form_post): the authorization response
/// becomes a signed-in user, or a readable refusal plus an sso_event with the precise reason for the admin.
/// The POST is a cross-site form from the IdP: it carries no antiforgery token and is protected by the
/// single-use <c>state</c> instead (catalogue §6.4).
/// </summary>
public static class OidcCallbackEndpoint
{
    public static void MapOidcCallback(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/oidc/{id}/callback", ["GET", "POST"], (string id, HttpContext http, OidcCallback callback, CancellationToken ct) =>
            callback.HandleAsync(id, http, ct)).DisableAntiforgery().ExcludeFromDescription();
    }
}

/// <summary>The callback as a numbered recipe; the rules live in <see cref="OidcIdTokenValidator"/> and <see cref="OidcDiscovery"/>.</summary>
public sealed class OidcCallback(
    GatehouseDb db, SsoFlows flows, ReplayCache replay, OidcDiscovery discovery, OidcKeyCache keys, OidcIdTokenValidator validator,
    OidcTokenClient tokens, ProviderSecrets secrets, Saml.SpKeys spKeys, CompleteSsoSignIn complete, AuditLog audit, TimeProvider time, ILogger<OidcCallback> log)
{
    public async Task<IResult> HandleAsync(string id, HttpContext http, CancellationToken ct)
    {
        // 1. HTTP shape: parameters from the query (response_mode=query) or the form (form_post). Any id_token or
        //    access_token sent on the front channel is ignored: we asked for a code (catalogue §3.2 token injection).
        var p = await ReadParametersAsync(http, ct);
        var s = long.TryParse(id, out var sid) ? await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == sid && x.Protocol == ProviderKinds.Oidc, ct) : null;
        if (s is null) return SsoSignInEndpoints.Page(404, "Sign-in provider not found", "This sign-in link does not match any provider of this site.");

        // 2. State: known, live, unused, of this site and of THIS provider (a callback path that differs from the
        //    provider the request went to is a mix-up, RFC 9700 §4.4.2), and from this browser (login CSRF).
        p.TryGetValue("state", out var stateHandle);
        var flow = await flows.ConsumeAsync<OidcRequestState>(OidcProtocolHandler.FlowKind, stateHandle, ct);
        if (flow is null)
            return await Refuse(http, s, "state_invalid", 400, "Sign-in expired",
                "This sign-in request has expired or was already used. Please sign in again.", "The callback's state is unknown, expired or already used (replay).");
        if (flow.Value.StrategyId != s.Id)
            return await Refuse(http, s, "state_provider_mismatch", 400, "Sign-in refused",
                "This sign-in response does not belong to this provider. Please sign in again.", "The state was issued for another provider (mix-up).");
        var request = flow.Value.Data;
        var cookieName = OidcProtocolHandler.BindingCookieName(stateHandle!);
        var binding = http.Request.Cookies[cookieName];
        http.Response.Cookies.Delete(cookieName, new CookieOptions { Path = $"/oidc/{s.Id}/callback" });
        var bindingRequired = HttpMethods.IsGet(http.Request.Method) || http.Request.IsHttps;
        if ((bindingRequired || binding is not null) && (binding is null || !FixedEquals(OidcProtocolHandler.Hash(binding), request.BrowserBindingHash)))
            return await Refuse(http, s, "state_browser_mismatch", 400, "Sign-in refused",
                "This sign-in response was started in another browser. Please sign in again.", "The state's browser-binding cookie is missing or wrong (login CSRF).");

        // 3. RFC 9207: the authorization response's iss must be the issuer we sent the request to; an IdP that
        //    advertises the parameter must send it (§2.4). Stops mix-up between providers of a multi-tenant RP.
        var cache = OidcProviderCache.Read(s.ProtocolCacheJson);
        p.TryGetValue("iss", out var iss);
        if (iss is not null && iss != request.Issuer)
            return await Refuse(http, s, "iss_mismatch", 400, "Sign-in refused",
                $"The sign-in response did not come from {s.Label}. Please sign in again.", $"The authorization response names issuer \"{Clip(iss)}\", not \"{request.Issuer}\" (RFC 9207 mix-up).");
        if (iss is null && cache?.Metadata.AuthorizationResponseIssParameterSupported == true && cache.ForIssuer == request.Issuer)
            return await Refuse(http, s, "iss_missing", 400, "Sign-in refused",
                $"The sign-in response from {s.Label} was incomplete. Please sign in again.", "The authorization response has no iss although the provider advertises it (RFC 9207 §2.4).");

        // 4. The IdP's own refusal (RFC 6749 §4.1.2.1), shown to the user as text.
        if (p.TryGetValue("error", out var error))
        {
            p.TryGetValue("error_description", out var description);
            var text = Clip(error, 100) + (string.IsNullOrEmpty(description) ? "" : ": " + Clip(description, 300));
            return await Refuse(http, s, "idp_error", 400, "Sign-in was not completed",
                $"{s.Label} did not complete the sign-in ({text}).", $"The provider answered {text}");
        }
        if (!p.TryGetValue("code", out var code) || string.IsNullOrEmpty(code) || code.Length > 4096)
            return await Refuse(http, s, "code_missing", 400, "Sign-in refused", $"The sign-in response from {s.Label} had no authorization code.", "No code in the authorization response.");

        // 5. A code is redeemed once, across all nodes (RFC 6749 §4.1.2 replay; the IdP should refuse it too, we do not rely on it).
        var codeKey = $"oidc:{s.Id}:{OidcProtocolHandler.Hash(code)}";
        if (!await replay.TryAddAsync(codeKey, time.GetUtcNow().UtcDateTime.AddMinutes(15), ct))
            return await Refuse(http, s, "code_replayed", 400, "Sign-in refused", "This sign-in response was already used. Please sign in again.", "The authorization code was already used (replay).");

        // 6. Configuration (cached discovery, must still be for the issuer of the request), then the token request
        //    with PKCE to the token endpoint of THAT issuer only.
        var config = await discovery.GetAsync(s, force: false, ct);
        if (!config.Succeeded || config.Cache!.Metadata.Issuer != request.Issuer)
            return await Refuse(http, s, "discovery_failed", 502, "Sign-in unavailable",
                $"{s.Label} cannot be reached right now. Try again later or ask your site administrator.", config.Error ?? "The provider's issuer changed during the sign-in.");
        cache = config.Cache;
        var options = OidcSettings.Options(s);
        string secret;
        string? assertion = null;
        if (options.ClientAuthMethod == OidcProtocolOptions.PrivateKeyJwt)
        {
            var own = await spKeys.GetAsync(db, s, ct);
            assertion = OidcClientAssertion.Create(own.SigningKey, OidcClientAssertion.KeyId(own.SigningCertificates[0]), s.ClientId!,
                cache.Metadata.TokenEndpoint!, time.GetUtcNow().UtcDateTime);
        }
        try { secret = s.ClientSecretProtected is null || assertion is not null ? "" : secrets.Unprotect(s.ClientSecretProtected); }
        catch (CryptographicException)
        {
            return await Refuse(http, s, "client_secret_unreadable", 500, "Sign-in unavailable",
                $"Signing in with {s.Label} is misconfigured. Ask your site administrator.", "The stored client secret cannot be decrypted (key ring changed); enter the client secret again.");
        }
        var tokenResponse = await tokens.RedeemCodeAsync(cache.Metadata.TokenEndpoint!, s.ClientId!, secret, options.ClientAuthMethod, code, request.RedirectUri, request.CodeVerifier, ct, assertion);
        if (!tokenResponse.Succeeded)
        {
            var adminHint = tokenResponse.Error == "invalid_client"
                ? $" The provider refused the client ID or secret: check client_id and client_secret, and that the client authentication method ({options.ClientAuthMethod}) matches the provider's."
                : "";
            var body = JsonSerializer.Serialize(new { token_endpoint = cache.Metadata.TokenEndpoint, http_status = tokenResponse.Status, error = tokenResponse.Error, error_description = Clip(tokenResponse.ErrorDescription ?? "", 500) });
            return await Refuse(http, s, tokenResponse.Error == "invalid_client" ? "token_client_auth_failed" : "token_request_failed", 502, "Sign-in failed",
                $"{s.Label} did not accept Gatehouse's sign-in request, so you could not be signed in. Ask your site administrator to check the provider's settings.",
                tokenResponse.Problem + adminHint, body: body);
        }
        var tokenJson = tokenResponse.Json!.Value;
        var idToken = tokenJson.TryGetProperty("id_token", out var it) && it.ValueKind == JsonValueKind.String ? it.GetString()! : null;
        if (idToken is null)
            return await Refuse(http, s, "id_token_missing", 502, "Sign-in failed", $"{s.Label} did not send an ID token.", "The token response has no id_token (is the openid scope allowed for this client?).");

        // 7. ID token (OIDC Core §3.1.3.7) with the JWKS keys; an unknown kid triggers one rate-limited JWKS refresh (key rotation).
        var expectations = new IdTokenExpectations(cache.Metadata.Issuer!, s.ClientId!, request.Nonce, keys.For(s.Id, cache),
            OidcDiscovery.AllowedAlgorithms(cache.Metadata), TimeSpan.FromSeconds(s.ClockSkewSeconds), cache.TenantId ?? OidcSettings.ExpectedTenant(s));
        if (OidcIdTokenValidator.NamesUnknownKey(idToken, expectations.Keys) && await discovery.RefreshKeysAsync(s, cache, ct) is { } refreshed)
            expectations = expectations with { Keys = keys.For(s.Id, refreshed) };
        var validated = await validator.ValidateAsync(idToken, expectations);
        if (!validated.Succeeded)
            return await Refuse(http, s, validated.Error!, 403, "Sign-in refused",
                $"The sign-in response from {s.Label} could not be verified, so you were not signed in.", validated.Detail!);
        var jwt = validated.Token!;

        // 8. The identity claim; from userinfo when the ID token lacks it, whose sub must be the token's (OIDC Core §5.3.2).
        var claimName = OidcSettings.IdentityClaim(s);
        var username = Claim(jwt, claimName);
        var email = Claim(jwt, "email");
        var name = Claim(jwt, "name");
        if (username is null && cache.Metadata.UserinfoEndpoint is { } userinfoUrl
            && tokenJson.TryGetProperty("access_token", out var at) && at.ValueKind == JsonValueKind.String)
        {
            var userinfo = await tokens.UserinfoAsync(userinfoUrl, at.GetString()!, ct);
            if (!userinfo.Succeeded)
                return await Refuse(http, s, "userinfo_failed", 502, "Sign-in failed", $"{s.Label} did not answer Gatehouse's request for your profile.", userinfo.Problem!);
            var u = userinfo.Json!.Value;
            if (!u.TryGetProperty("sub", out var usub) || usub.ValueKind != JsonValueKind.String || usub.GetString() != jwt.Subject)
                return await Refuse(http, s, "userinfo_sub_mismatch", 403, "Sign-in refused",
                    $"The profile sent by {s.Label} does not match the signed-in account.", "The userinfo sub differs from the ID token's sub (OIDC Core §5.3.2).");
            username = Str(u, claimName);
            email ??= Str(u, "email");
            name ??= Str(u, "name");
        }

        // 9. Link or match the user among this provider's users only, then sign in (shared with SAML).
        OidcLog.TokenValidated(log, s.Id);
        return await complete.HandleAsync(http, s, new ExternalIdentity(jwt.Issuer, jwt.Subject, username, email, name), request.ReturnTo, ct);
    }

    private static async Task<Dictionary<string, string>> ReadParametersAsync(HttpContext http, CancellationToken ct)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(ct);
            foreach (var (k, v) in form) if (v.Count == 1) values[k] = v[0]!;
        }
        else
        {
            // A parameter repeated is ambiguous (which state? which iss?): it counts as absent.
            foreach (var (k, v) in http.Request.Query) if (v.Count == 1) values[k] = v[0]!;
        }
        return values;
    }

    private async Task<IResult> Refuse(HttpContext http, SsoStrategy s, string reason, int status, string title, string userMessage, string adminMessage,
        string? body = null)
    {
        var e = audit.Add(SsoEventTypes.SsoLogin, false, reason, $"Sign-in with {s.Label} refused: {adminMessage}", @interface: "web", http: http,
            provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id, body: body);
        await db.SaveChangesAsync(http.RequestAborted);
        OidcLog.CallbackRefused(log, s.Id, reason);
        return SsoSignInEndpoints.Page(status, title, $"{userMessage} (Reference: {e.Id})");
    }

    private static string? Claim(JsonWebToken jwt, string name) =>
        jwt.TryGetPayloadValue<string>(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) ? v.GetString() : null;

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static string Clip(string s, int max = 200) => s.Length > max ? s[..max] + "…" : s;
}
