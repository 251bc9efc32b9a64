namespace Gatehouse.Providers;

/// <summary>The service-provider values an admin pastes into the IdP, computed per site and provider.</summary>
public sealed record SpEndpoints(
    string? SpEntityId, string? SpAcsUrl, string? SpMetadataUrl, string? OidcRedirectUri, string LoginUrl, string ScimBaseUrl);

/// <summary>A settings problem of one field, reported with the field's API name.</summary>
public sealed record SettingsError(string Field, string Message);

/// <summary>
/// The seam each protocol (SAML, OIDC, LDAP) plugs into. One implementation per protocol, registered in DI;
/// <see cref="ProtocolHandlers"/> picks it by <see cref="SsoStrategy.Protocol"/>.
/// </summary>
public interface IProtocolHandler
{
    /// <summary><c>saml</c>, <c>oidc</c> or <c>ldap</c>.</summary>
    string Protocol { get; }

    /// <summary>False while the protocol has no sign-in implementation in this build; the UI and sign-in say so.</summary>
    bool SignInAvailable { get; }

    /// <summary>Checks the protocol-specific settings (beyond the shared field rules).</summary>
    IEnumerable<SettingsError> ValidateSettings(SsoStrategy strategy);

    /// <summary>Reads the protocol's own writable API fields (beyond the shared ones) into the strategy; called before validation.</summary>
    void ApplySettings(SsoStrategy strategy, Api.ApiInput input) { }

    /// <summary>Validation that may need I/O (fetch IdP metadata or discovery) or derives settings from it (IdP entity ID,
    /// generated SP keys). Runs after the shared rules; by default only <see cref="ValidateSettings"/>.</summary>
    Task<IReadOnlyList<SettingsError>> ValidateSettingsAsync(SsoStrategy strategy, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SettingsError>>(ValidateSettings(strategy).ToList());

    /// <summary>Adds protocol read-only status (e.g. metadata refresh, certificate expiry) to the API object.</summary>
    SsoStrategyJson Describe(SsoStrategy strategy, SsoStrategyJson json) => json;

    /// <summary>Starts SP-initiated sign-in for a browser (redirect to the IdP, or a form for LDAP).</summary>
    Task<IResult> StartSignInAsync(HttpContext http, SsoStrategy strategy, string? returnTo, CancellationToken ct);
}
