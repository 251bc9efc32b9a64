using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Providers;

public sealed record RuleViolation(int Status, string Type, string Message);

/// <summary>The lifecycle rules that are not about one field: plan gating and credentials shared across sites.</summary>
public sealed class ProviderRules(GatehouseDb db, CurrentSite site, IOptions<PlanOptions> plans)
{
    public PlanLimits Limits => plans.Value.Plans.TryGetValue(site.Required.Plan, out var l) ? l : new PlanLimits();

    /// <summary>May this site add one more provider?</summary>
    public async Task<RuleViolation?> CanAddAsync(CancellationToken ct)
    {
        var plan = site.Required.Plan;
        if (!Limits.Sso)
            return new(403, "not-authorized/plan-upgrade-required", $"The {plan} plan does not include single sign-on. Upgrade to power or premier to add SSO providers.");
        if (Limits.MaxSsoProviders is { } max && await db.SsoStrategies.CountAsync(ct) >= max)
            return new(403, "not-authorized/plan-upgrade-required", $"The {plan} plan allows at most {max} SSO providers and this site has {max}. Remove one, or upgrade to premier for unlimited providers.");
        return null;
    }

    /// <summary>Features of a provider that only some plans include.</summary>
    public RuleViolation? CheckFeatures(SsoStrategy s)
    {
        var plan = site.Required.Plan;
        if (s.ScimAuthenticationMethod != "none" && !Limits.Scim)
            return new(403, "not-authorized/plan-upgrade-required", $"SCIM provisioning is not included in the {plan} plan; it needs premier.");
        if (s.ProvisionUsers && !Limits.JitProvisioning && s.Protocol != ProviderKinds.Ldap)
            return new(403, "not-authorized/plan-upgrade-required", $"Just-in-time provisioning is not included in the {plan} plan.");
        if (s.ProvisionUsers && s.Protocol == ProviderKinds.Ldap && !Limits.DirectorySync)
            return new(403, "not-authorized/plan-upgrade-required", $"Directory sync (LDAP/AD provisioning) is not included in the {plan} plan; it needs premier.");
        return null;
    }

    /// <summary>
    /// The same IdP credentials never serve two sites (CONTRACT §2). The check looks across sites on purpose
    /// (IgnoreQueryFilters) and answers without naming the other site.
    /// </summary>
    public async Task<RuleViolation?> CheckCredentialsAsync(SsoStrategy s, CancellationToken ct)
    {
        if (s.CredentialKey is null) return null;
        var other = await db.SsoStrategies.IgnoreQueryFilters()
            .Where(x => x.CredentialKey == s.CredentialKey && x.Id != s.Id)
            .Select(x => new { x.SiteId, x.Label })
            .FirstOrDefaultAsync(ct);
        if (other is null) return null;
        var what = s.Protocol == ProviderKinds.Saml ? $"The SAML IdP issuer \"{s.SamlProviderIssuerUrl}\""
            : s.Provider == "azure" ? $"The Entra tenant \"{s.Subdomain}\" with client ID \"{s.ClientId}\""
            : $"The client ID \"{s.ClientId}\" of this issuer";
        return other.SiteId == site.Required.Id
            ? new(409, "processing-failure/duplicate-idp-credentials", $"{what} is already used by the provider \"{other.Label}\" of this site.")
            : new(409, "processing-failure/idp-credentials-in-use", $"{what} is already used by another site. Each site needs its own application at the identity provider.");
    }
}
