using System.Security.Cryptography;
using System.Text;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Gatehouse.Scim;
using Gatehouse.Sessions;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Provisioning;

/// <summary>The authenticated SCIM caller: one SSO provider of the current site.</summary>
public sealed record ScimCaller(SsoStrategy Strategy, string BaseUrl);

/// <summary>
/// SCIM's own credential check (RFC 7644 §2): a bearer token or HTTP Basic, nothing else — no cookie, no
/// <c>X-FilesAPI-Key</c>, no token in the query string (security catalogue §5.1). The Host header has already chosen
/// the site and the DbContext filter keeps the search inside it, so a credential of another site is simply unknown
/// here (401, no existence oracle). Secrets are compared as SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>.
/// </summary>
public sealed class ScimAuthentication(GatehouseDb db, CurrentSite site, IOptions<PlanOptions> plans, TimeProvider time)
{
    public const string Challenge = "Bearer realm=\"SCIM\", Basic realm=\"SCIM\"";

    public async Task<ScimResult<SsoStrategy>> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Length > 4096) return Unauthorized();
        var space = header.IndexOf(' ');
        if (space <= 0) return Unauthorized();
        var scheme = header[..space];
        var credential = header[(space + 1)..].Trim();

        SsoStrategy? match = null;
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            var presented = SessionTokens.Hash(credential);
            // Untracked: the caller's provider is only read during a SCIM request, and a tracked copy of this wide row
            // would be snapshotted and compared again by every SaveChanges of the request.
            var candidates = await db.SsoStrategies.AsNoTracking().Where(s => s.ScimAuthenticationMethod == "token" && s.ScimTokenHash != null).ToListAsync(ct);
            // Every candidate is compared, so the time taken does not depend on which one (if any) matches.
            foreach (var s in candidates)
                if (CryptographicOperations.FixedTimeEquals(presented, s.ScimTokenHash)) match = s;
            if (match is not null && match.ScimTokenExpiresAt is { } expires && expires <= time.GetUtcNow().UtcDateTime)
                return Unauthorized("The SCIM token has expired; reset it on the SSO provider and update the identity provider.");
        }
        else if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(credential)); }
            catch (FormatException) { return Unauthorized(); }
            var colon = decoded.IndexOf(':');
            if (colon <= 0) return Unauthorized();
            var user = SHA256.HashData(Encoding.UTF8.GetBytes(decoded[..colon]));
            var password = SessionTokens.Hash(decoded[(colon + 1)..]);
            var candidates = await db.SsoStrategies.AsNoTracking().Where(s => s.ScimAuthenticationMethod == "basic" && s.ScimPasswordHash != null && s.ScimUsername != null).ToListAsync(ct);
            foreach (var s in candidates)
            {
                var userOk = CryptographicOperations.FixedTimeEquals(user, SHA256.HashData(Encoding.UTF8.GetBytes(s.ScimUsername!)));
                var passwordOk = CryptographicOperations.FixedTimeEquals(password, s.ScimPasswordHash);
                if (userOk & passwordOk) match = s;
            }
        }
        if (match is null) return Unauthorized();

        // The site may have moved to a plan without SCIM, or the admin turned the provider off.
        var limits = plans.Value.Plans.TryGetValue(site.Required.Plan, out var l) ? l : new PlanLimits();
        if (!limits.Scim) return ScimError.Forbidden($"SCIM provisioning is not included in the {site.Required.Plan} plan; it needs premier.");
        if (!match.Enabled) return ScimError.Forbidden($"The SSO provider \"{match.Label}\" is disabled.");
        return match;
    }

    private static ScimError Unauthorized(string detail = "Authentication required: send the SCIM bearer token or the SCIM username and password of the SSO provider.") =>
        ScimError.Unauthorized(detail);
}
