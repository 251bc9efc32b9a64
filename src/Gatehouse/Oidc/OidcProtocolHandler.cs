using System.Security.Cryptography;
using System.Text;
using Gatehouse.Api;
using Gatehouse.Audit;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Tenancy;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Gatehouse.Oidc;

/// <summary>What the server keeps between the redirect to the IdP and the callback; the browser carries only <c>state</c>.</summary>
public sealed record OidcRequestState(
    string Nonce, string CodeVerifier, string? ReturnTo, string Issuer, string RedirectUri, string ResponseMode, string BrowserBindingHash);

/// <summary>
/// The OIDC side of the provider seam: settings, and SP-initiated sign-in — authorization code flow with PKCE S256
/// (RFC 7636; RFC 9700 §2.1.1), state and nonce kept server-side and single-use (<see cref="SsoFlows"/>).
/// The callback is <see cref="OidcCallbackEndpoint"/>.
/// </summary>
public sealed class OidcProtocolHandler(
    OidcDiscovery discovery, SsoFlows flows, AuditLog audit, GatehouseDb db,
    IOptions<OidcOptions> oidcOptions, IOptions<GatehouseOptions> options, ILogger<OidcProtocolHandler> log) : IProtocolHandler
{
    public const string FlowKind = "oidc_request";
    public const string Scopes = "openid profile email";

    public string Protocol => ProviderKinds.Oidc;
    public bool SignInAvailable => true;

    public void ApplySettings(SsoStrategy strategy, ApiInput input) => OidcSettings.Apply(strategy, input);

    public IEnumerable<SettingsError> ValidateSettings(SsoStrategy s)
    {
        if (s.IdentityAttribute is { } claim && !OidcProtocolOptions.IdentityClaims.Contains(claim))
            yield return new("oidc_identity_claim", $"must be one of {string.Join(", ", OidcProtocolOptions.IdentityClaims)}");
        if (s.ClockSkewSeconds is < 0 or > 600)
            yield return new("clock_skew_seconds", "must be between 0 and 600");
    }

    public SsoStrategyJson Describe(SsoStrategy s, SsoStrategyJson json)
    {
        var cache = OidcProviderCache.Read(s.ProtocolCacheJson);
        var o = OidcSettings.Options(s);
        return json with
        {
            OidcIssuer = OidcSettings.Issuer(s, oidcOptions.Value, out _),
            OidcResponseMode = o.ResponseMode,
            OidcClientAuthMethod = o.ClientAuthMethod,
            OidcIdentityClaim = OidcSettings.IdentityClaim(s),
            OidcDiscoveryRefreshedAt = cache?.DiscoveredAt,
            OidcDiscoveryError = s.ProtocolCacheError,
        };
    }

    public async Task<IResult> StartSignInAsync(HttpContext http, SsoStrategy s, string? returnTo, CancellationToken ct)
    {
        // 1. The provider's configuration (cached discovery); an unreachable IdP is a readable page plus an event for the admin.
        var config = await discovery.GetAsync(s, force: false, ct);
        if (!config.Succeeded)
        {
            var e = audit.Add(SsoEventTypes.SsoLogin, false, "discovery_failed", $"Sign-in with {s.Label} could not start: {config.Error}",
                @interface: "web", http: http, provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id);
            await db.SaveChangesAsync(ct);
            return SsoSignInEndpoints.Page(502, "Sign-in unavailable",
                $"{s.Label} cannot be reached right now, so signing in with it is not possible. Try again later or ask your site administrator. (Reference: {e.Id})");
        }
        var metadata = config.Cache!.Metadata;
        var settings = OidcSettings.Options(s);

        // 2. Fresh secrets for this one request: nonce (OIDC Core §3.1.2.1), PKCE verifier of 256 bits (RFC 7636 §4.1),
        //    and a browser-binding value so a state handle injected into another browser is refused (login CSRF).
        var nonce = Random(32);
        var verifier = Random(32);
        var binding = Random(32);
        var redirectUri = RedirectUri(http, s);
        var state = await flows.StartAsync(FlowKind, s.Id,
            new OidcRequestState(nonce, verifier, returnTo, metadata.Issuer!, redirectUri, settings.ResponseMode, Hash(binding)),
            oidcOptions.Value.FlowLifetime, ct);
        AppendBindingCookie(http, s, state, binding, settings.ResponseMode);

        // 3. The authorization request (OIDC Core §3.1.2.1). PKCE S256 always, even when discovery does not list it (downgrade).
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = s.ClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = Scopes,
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
        };
        if (settings.ResponseMode == OidcProtocolOptions.FormPost) query["response_mode"] = OidcProtocolOptions.FormPost;
        OidcLog.SignInStarted(log, s.Id, settings.ResponseMode);
        return Results.Redirect(QueryHelpers.AddQueryString(metadata.AuthorizationEndpoint!, query));
    }

    public string RedirectUri(HttpContext http, SsoStrategy s) => $"{SiteUrls.Root(http.Request, options.Value)}/oidc/{s.Id}/callback";

    /// <summary>
    /// The browser-binding cookie, scoped to this provider's callback path and named after the flow (two tabs do
    /// not clash). A form_post callback is a cross-site POST: only a SameSite=None; Secure cookie comes along, so
    /// over https it is None; over plain http (development) it is Lax and the form_post callback relies on state alone.
    /// </summary>
    private void AppendBindingCookie(HttpContext http, SsoStrategy s, string state, string binding, string responseMode)
    {
        var secure = http.Request.IsHttps || options.Value.PublicScheme == "https";
        http.Response.Cookies.Append(BindingCookieName(state), binding, new CookieOptions
        {
            HttpOnly = true,
            Secure = secure,
            SameSite = responseMode == OidcProtocolOptions.FormPost && secure ? SameSiteMode.None : SameSiteMode.Lax,
            Path = $"/oidc/{s.Id}/callback",
            MaxAge = oidcOptions.Value.FlowLifetime,
            IsEssential = true,
        });
    }

    public static string BindingCookieName(string state) => "gh_oidc_" + Hash(state)[..16];

    public static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value))).ToLowerInvariant();

    private static string Random(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    public static string Base64Url(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);
}
