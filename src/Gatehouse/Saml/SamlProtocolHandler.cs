using Gatehouse.Api;
using Gatehouse.Audit;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Tenancy;
using Microsoft.Extensions.Options;

namespace Gatehouse.Saml;

/// <summary>The SP-initiated request this browser started: kept server-side, found again through the RelayState handle.</summary>
public sealed record SamlRequestState(string RequestId, string? ReturnTo);

/// <summary>The SP's own URLs for one provider, built like <see cref="ProtocolHandlers.Endpoints"/> shows them to the admin.</summary>
public sealed record SamlSpUrls(string EntityId, string AcsUrl, string SloUrl)
{
    public static SamlSpUrls For(SsoStrategy s, HttpRequest request, GatehouseOptions options)
    {
        var root = SiteUrls.Root(request, options);
        return new($"{root}/saml/{s.Id}/metadata", $"{root}/saml/{s.Id}/acs", $"{root}/saml/{s.Id}/slo");
    }
}

/// <summary>
/// SAML 2.0 behind the <see cref="IProtocolHandler"/> seam: settings (metadata URL, pasted metadata or by hand;
/// the IdP entity ID derived from metadata so the cross-site credential rule holds), SP keys on creation, and
/// the start of SP-initiated sign-in (AuthnRequest over HTTP-Redirect, RelayState = an opaque flow handle).
/// </summary>
public sealed class SamlProtocolHandler(
    GatehouseDb db, SsoFlows flows, SpKeys spKeys, SamlIdpConfigurations configurations, SamlMetadataRefresh refresh,
    AuditLog audit, TimeProvider time, IOptions<GatehouseOptions> gatehouse, IOptions<SamlOptions> samlOptions, ILogger<SamlProtocolHandler> logger) : IProtocolHandler
{
    public const string RequestKind = "saml_request";
    public string Protocol => ProviderKinds.Saml;
    public bool SignInAvailable => true;

    public IEnumerable<SettingsError> ValidateSettings(SsoStrategy strategy) => [];

    public void ApplySettings(SsoStrategy s, ApiInput input)
    {
        if (input.String("identity_attribute", 256) is { } attribute)
        {
            attribute = attribute.Trim();
            if (attribute.Any(char.IsControl)) input.AddError("identity_attribute", "must not contain control characters");
            else s.IdentityAttribute = attribute.Length == 0 ? null : attribute;
        }
        if (input.Long("clock_skew_seconds", 0, 600) is { } skew) s.ClockSkewSeconds = (int)skew;
        if (input.Bool("allow_idp_initiated") is { } idpInitiated) s.AllowIdpInitiated = idpInitiated;
        var o = SamlProviderOptions.Read(s);
        var changed = o;
        if (input.Bool("saml_sign_authn_requests") is { } sign) changed = changed with { SignAuthnRequests = sign };
        // The admin page's three-way choice: "metadata" follows the IdP's WantAuthnRequestsSigned.
        if (input.String("saml_sign_authn_requests_mode", 16) is { Length: > 0 } mode)
        {
            if (mode is "metadata" or "true" or "false") changed = changed with { SignAuthnRequests = mode == "metadata" ? null : mode == "true" };
            else input.AddError("saml_sign_authn_requests_mode", "must be metadata, true or false");
        }
        if (input.Bool("saml_require_signed_assertions") is { } require) changed = changed with { RequireSignedAssertions = require };
        if (input.Bool("saml_allow_sha1") is { } sha1) changed = changed with { AllowSha1 = sha1 };
        if (input.String("saml_provider_certificates", 64 * 1024) is { } pem)
        {
            var certificates = SamlPem.Parse(pem, out var problem);
            if (problem is not null) input.AddError("saml_provider_certificates", problem);
            else changed = changed with { Certificates = certificates.Count == 0 ? null : certificates };
        }
        if (input.String("saml_provider_cert_fingerprints", 4096) is { } list)
        {
            var fingerprints = list.Split([',', ';', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(SamlFingerprints.Normalize).ToList();
            if (fingerprints.Any(f => f.Length != 64 || !f.All(Uri.IsHexDigit)))
                input.AddError("saml_provider_cert_fingerprints", "must be SHA-256 fingerprints (64 hex digits, colons allowed), separated by commas or spaces");
            else changed = changed with { ExtraFingerprints = fingerprints.Count == 0 ? null : fingerprints.Select(f => SamlFingerprints.Format(Convert.FromHexString(f))).ToList() };
        }
        if (changed != o || s.ProtocolOptionsJson is null) changed.Write(s);
    }

    public async Task<IReadOnlyList<SettingsError>> ValidateSettingsAsync(SsoStrategy s, CancellationToken ct)
    {
        var errors = new List<SettingsError>();
        spKeys.EnsureGenerated(s);
        var previous = SamlMetadataCache.Read(s);
        // An issuer that came from earlier metadata follows the metadata; one typed by the admin must match it.
        var typedIssuer = s.SamlProviderIssuerUrl is { } i && i != previous?.EntityId ? i : null;

        if (s.SamlProviderMetadataUrl is { } url)
        {
            if (previous is { Source: "url", MetadataXml: not null } && previous.Url == url && (typedIssuer is null || typedIssuer == previous.EntityId))
                return errors; // unchanged: the background refresh keeps it current
            var fetched = await refresh.FetchAsync(url, typedIssuer, ct);
            if (fetched.Error is not null)
            {
                // Not fatal: the provider is saved with the error shown (saml_metadata_error) and the background
                // service retries. Metadata of another URL must not stay in use, nor an issuer derived from it.
                if (previous?.Url != url) s.ProtocolCacheJson = null;
                if (typedIssuer is null && previous is not null && previous.Url != url) s.SamlProviderIssuerUrl = null;
                s.ProtocolCacheError = refresh.Stamp(fetched.Error);
                s.ProtocolCacheRefreshAt = time.GetUtcNow().UtcDateTime + fetched.RefreshIn;
                return errors;
            }
            fetched.Cache!.Write(s);
            s.ProtocolCacheError = null;
            s.ProtocolCacheRefreshAt = time.GetUtcNow().UtcDateTime + fetched.RefreshIn;
            s.SamlProviderIssuerUrl = fetched.Cache.EntityId;
        }
        else if (s.SamlProviderMetadataContent is { } xml)
        {
            var parsed = Gatehouse.Saml.IdpMetadataParser.Parse(xml, typedIssuer);
            if (!parsed.Succeeded)
            {
                errors.Add(new("saml_provider_metadata_content", $"is not usable IdP metadata: {parsed.Error!.Message}"));
                return errors;
            }
            new SamlMetadataCache { Source = "content", EntityId = parsed.Metadata!.EntityId }.Write(s);
            s.ProtocolCacheError = null;
            s.ProtocolCacheRefreshAt = null;
            s.SamlProviderIssuerUrl = parsed.Metadata.EntityId;
        }
        else
        {
            // By hand: a fingerprint pins the certificate the IdP sends in its signature's KeyInfo.
            s.ProtocolCacheJson = null;
            s.ProtocolCacheError = null;
            s.ProtocolCacheRefreshAt = null;
        }
        return errors;
    }

    public SsoStrategyJson Describe(SsoStrategy s, SsoStrategyJson json)
    {
        var o = SamlProviderOptions.Read(s);
        var config = configurations.For(s);
        var cache = SamlMetadataCache.Read(s);
        var now = time.GetUtcNow();
        return json with
        {
            SamlSignAuthnRequests = o.SignAuthnRequests ?? config.WantAuthnRequestsSigned,
            SamlRequireSignedAssertions = o.RequireSignedAssertions,
            SamlAllowSha1 = o.AllowSha1,
            SamlIdpEntityId = config.EntityId,
            SamlMetadataRefreshedAt = cache?.FetchedAt,
            SamlMetadataNextRefreshAt = s.SamlProviderMetadataUrl is null ? null : s.ProtocolCacheRefreshAt,
            SamlMetadataError = s.ProtocolCacheError ?? config.Problem,
            SamlIdpCertificates = config.PinnedFingerprints.Select(fp => new SsoCertificateJson(fp, null, false, false, null))
                .Concat(config.Certificates.Select(c => new SsoCertificateJson(SamlFingerprints.Of(c), c.NotAfter.ToUniversalTime(),
                    c.NotAfter.ToUniversalTime() - now.UtcDateTime <= TimeSpan.FromDays(30), c.NotAfter.ToUniversalTime() <= now.UtcDateTime, c.Subject))).ToList(),
        };
    }

    public async Task<IResult> StartSignInAsync(HttpContext http, SsoStrategy s, string? returnTo, CancellationToken ct)
    {
        // 1. The provider's IdP configuration must be usable.
        var config = configurations.For(s);
        if (config.Problem is not null || config.SsoUrl is null)
        {
            var problem = config.Problem ?? "No SSO URL is configured.";
            SamlLog.NotConfigured(logger, s.Id, problem);
            var e = audit.Add(SsoEventTypes.SsoLogin, false, "saml_configuration", $"Sign-in with \"{s.Label}\" could not start: {problem}",
                @interface: "web", http: http, provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id,
                body: System.Text.Json.JsonSerializer.Serialize(new { stage = "configuration", message = problem }));
            await db.SaveChangesAsync(ct);
            return SsoSignInEndpoints.Page(503, "Sign-in unavailable",
                $"Signing in with {s.Label} is not working right now: the provider's configuration is incomplete or out of date. Ask your site administrator. (Reference: {e.Id})");
        }

        // 2. Keys (rolled over when due), and whether to sign (Bindings §3.4.4.1).
        var keys = await spKeys.GetAsync(db, s, ct);
        var sign = SamlProviderOptions.Read(s).SignAuthnRequests ?? config.WantAuthnRequestsSigned;
        var urls = SamlSpUrls.For(s, http.Request, gatehouse.Value);

        // 3. The request ID and return path stay on the server; the browser carries only the handle as RelayState
        //    (never a URL: open redirect), and the ACS needs no cookie (SameSite-proof cross-site POST).
        Gatehouse.Saml.AuthnRequestMessage? message = null;
        await flows.StartAsync(RequestKind, s.Id, handle =>
        {
            message = Gatehouse.Saml.AuthnRequestBuilder.Build(new Gatehouse.Saml.AuthnRequestParameters
            {
                SpEntityId = urls.EntityId, AcsUrl = urls.AcsUrl, IdpSsoUrl = config.SsoUrl, Now = time.GetUtcNow(),
                RelayState = handle, SigningKey = sign ? keys.SigningKey : null,
            });
            return new SamlRequestState(message.Id, returnTo);
        }, samlOptions.Value.RequestLifetime, ct);
        SamlLog.SignInStarted(logger, s.Id, sign);
        return Results.Redirect(message!.RedirectUrl);
    }
}
