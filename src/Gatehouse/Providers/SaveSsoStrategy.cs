using System.Text.Json;
using Gatehouse.Api;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Providers;

public sealed record SaveSsoStrategyResult(SsoStrategy? Strategy, RuleViolation? Violation, (string? Token, string? Password) OneTimeSecrets, int SessionsEnded = 0)
{
    public bool Succeeded => Strategy is not null && Violation is null;
}

/// <summary>
/// Creates or updates a provider: validate fields → plan and credential rules → save → side effects
/// (sessions ended on disable) → audit with old → new values, secrets redacted. Used by the API and the pages.
/// </summary>
public sealed class SaveSsoStrategy(GatehouseDb db, SsoStrategyChanges changes, ProviderRules rules, ProviderLifecycle lifecycle,
    Provisioning.RequiredGroupRule requiredGroups, AuditLog audit, TimeProvider time)
{
    public async Task<SaveSsoStrategyResult> HandleAsync(long? id, ApiInput input, string actor, HttpContext http, CancellationToken ct)
    {
        var creating = id is null;
        SsoStrategy? s;
        if (creating)
        {
            if (await rules.CanAddAsync(ct) is { } planViolation) return new(null, planViolation, default);
            var now = time.GetUtcNow().UtcDateTime;
            s = new SsoStrategy { Provider = "", Protocol = "", Label = "", LabelNormalized = "", CreatedAt = now, UpdatedAt = now };
            s.SortOrder = await db.SsoStrategies.Select(x => (int?)x.SortOrder).MaxAsync(ct) + 1 ?? 0;
        }
        else
        {
            s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (s is null) return new(null, new RuleViolation(404, "not-found/sso-strategy-not-found", "SSO provider not found."), default);
        }
        var wasEnabled = s.Enabled;

        // 1. Fields.
        await changes.ApplyAsync(s, input, creating, ct);
        if (!input.IsValid) return new(null, new RuleViolation(422, "processing-failure/resource-validation-failure", input.Summary()), default);

        // 2. Rules beyond one field.
        if (rules.CheckFeatures(s) is { } featureViolation) return new(null, featureViolation, default);
        if (await rules.CheckCredentialsAsync(s, ct) is { } credentialViolation) return new(null, credentialViolation, default);

        // 3. Save, with SCIM credentials issued as the chosen method needs.
        var secrets = lifecycle.IssueScimCredentials(s, input.Bool("reset_scim_oauth_access_token") == true);
        if (input.Time("scim_oauth_access_token_expires_at") is { } expires)
        {
            if (expires <= time.GetUtcNow().UtcDateTime) return new(null, new RuleViolation(422, "processing-failure/resource-validation-failure", "Scim oauth access token expires at must be in the future."), default);
            if (s.ScimAuthenticationMethod == "token") s.ScimTokenExpiresAt = expires;
        }
        s.UpdatedAt = time.GetUtcNow().UtcDateTime;
        if (creating) db.SsoStrategies.Add(s);
        var changeLog = Describe(s, creating);
        var requiredChanged = !creating && db.Entry(s).Property(x => x.ProvisionGroupRequired) is { IsModified: true } rq
            && !string.Equals((string?)rq.OriginalValue, (string?)rq.CurrentValue, StringComparison.Ordinal);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent request took the label or the credentials between our check and the insert.
            db.ChangeTracker.Clear();
            return new(null, new RuleViolation(409, "processing-failure/conflict", "Another change to SSO providers happened at the same time (same Display Name or IdP credentials). Reload and try again."), default);
        }

        // 4. Disabling ends the sessions of the provider's users at once.
        var ended = 0;
        if (wasEnabled && !s.Enabled) ended = await lifecycle.OnDisabledAsync(s, input.Bool("disable_users") == true, ct);
        // 5. A new provision_group_required applies to the SCIM users already there: held or released now.
        if (requiredChanged) await requiredGroups.ApplyAsync(s, null, http, ct);

        audit.Add(SsoEventTypes.ProviderChange, true, creating ? "provider_created" : "provider_updated",
            $"{actor} {(creating ? "added" : "changed")} the provider \"{s.Label}\"" + (ended > 0 ? $"; {ended} session(s) ended" : ""),
            username: actor, @interface: "admin", http: http, provider: s.Provider, providerLabel: s.Label, ssoStrategyId: s.Id, body: changeLog);
        await db.SaveChangesAsync(ct);
        return new(s, null, secrets, ended);
    }

    /// <summary>Old → new for every changed column; secrets and hashes appear only as "[redacted]".</summary>
    private string Describe(SsoStrategy s, bool creating)
    {
        var entry = db.Entry(s);
        var changes = new Dictionary<string, object?>();
        foreach (var p in entry.Properties)
        {
            if (!creating && !p.IsModified) continue;
            if (p.Metadata.Name is nameof(SsoStrategy.UpdatedAt) or nameof(SsoStrategy.CreatedAt) or nameof(SsoStrategy.Id) or nameof(SsoStrategy.SiteId)) continue;
            var secret = p.Metadata.Name.EndsWith("Protected") || p.Metadata.Name.EndsWith("Hash");
            if (creating && p.CurrentValue is null) continue;
            changes[JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Metadata.Name)] = secret
                ? new { old = creating ? null : "[redacted]", @new = "[redacted]" }
                : new { old = creating ? null : p.OriginalValue, @new = p.CurrentValue };
        }
        return JsonSerializer.Serialize(changes);
    }
}
