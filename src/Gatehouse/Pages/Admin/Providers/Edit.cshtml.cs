using Gatehouse.Api;
using Gatehouse.Oidc;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Pages.Admin.Providers;

/// <summary>One provider: SP values to copy, settings, disable/enable with its consequences spelled out, move users, remove.</summary>
public sealed partial class EditModel(GatehouseDb db, ProtocolHandlers handlers, SaveSsoStrategy save, RemoveSsoStrategy remove, ProviderLifecycle lifecycle,
    Saml.SamlMetadataRefresh samlRefresh, OidcDiscovery discovery, IOptions<OidcOptions> oidcOptions) : PageModel
{
    /// <summary>The provider as the API shows it: SAML metadata state and certificates with their expiry.</summary>
    public SsoStrategyJson Json { get; private set; } = null!;
    public SsoStrategy Strategy { get; private set; } = null!;
    public ProviderKind Kind { get; private set; } = null!;
    public ProviderForm Form { get; private set; } = null!;
    public int UserCount { get; private set; }
    public bool SignInAvailable { get; private set; }
    public bool ConfirmDisable { get; private set; }
    public List<(string Name, string Label, string Value)> SpValues { get; } = [];
    public List<SsoStrategy> Others { get; private set; } = [];
    public List<string>? Preview { get; private set; }
    public long? PreviewTo { get; private set; }
    /// <summary>OIDC: the issuer Gatehouse trusts (from the preset), the cached discovery, the last fetch failure.</summary>
    public string? OidcIssuer { get; private set; }
    public OidcProviderCache? OidcCache { get; private set; }
    [TempData] public string? Message { get; set; }
    [TempData] public string? Error { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, string? confirm, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        ConfirmDisable = confirm == "disable";
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(long id, CancellationToken ct)
    {
        var input = ApiInput.FromForm(Request.Form, "provider", "protocol");
        var result = await save.HandleAsync(id, input, User.Identity!.Name!, HttpContext, ct);
        if (result.Succeeded)
        {
            Message = "Saved." + (result.OneTimeSecrets.Token is { } t ? $" SCIM token (shown once): {t}" : "")
                + (result.OneTimeSecrets.Password is { } p ? $" SCIM username: {result.Strategy!.ScimUsername}, password (shown once): {p}" : "");
            return Redirect($"/admin/sso-providers/{id}");
        }
        db.ChangeTracker.Clear();
        if (!await LoadAsync(id, ct)) return NotFound();
        Form = new ProviderForm { Kind = Kind, Protocol = Strategy.Protocol, Values = FormValues.ToStrategy(Request.Form), Errors = input.Errors, Editing = true };
        Error = result.Violation!.Status == 422 ? "Please correct the fields below." : result.Violation.Message;
        Response.StatusCode = 422;
        return Page();
    }

    /// <summary>
    /// "Test connection": fetch discovery and JWKS now, as a sign-in would, and say in words what is wrong
    /// (unreachable, wrong issuer, private address refused, no usable key). The result is cached like any refresh.
    /// </summary>
    public async Task<IActionResult> OnPostTestConnectionAsync(long id, CancellationToken ct)
    {
        var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return NotFound();
        if (s.Protocol != ProviderKinds.Oidc) { Error = "Only OpenID Connect providers have a connection to test."; return Redirect($"/admin/sso-providers/{id}"); }
        var result = await discovery.GetAsync(s, force: true, ct);
        if (result.Succeeded)
        {
            var keys = OidcKeyCache.Parse(result.Cache!.JwksJson)?.Count ?? 0;
            Message = $"Connection OK: the discovery document of {result.Issuer} and {keys} signing key(s) were fetched.";
        }
        else Error = "Connection failed: " + result.Error;
        return Redirect($"/admin/sso-providers/{id}");
    }

    public Task<IActionResult> OnPostDisableAsync(long id, bool disable_users, CancellationToken ct) =>
        SetEnabledAsync(id, false, disable_users, ct);

    public Task<IActionResult> OnPostEnableAsync(long id, CancellationToken ct) => SetEnabledAsync(id, true, false, ct);

    private async Task<IActionResult> SetEnabledAsync(long id, bool enabled, bool disableUsers, CancellationToken ct)
    {
        var form = new FormCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["enabled"] = enabled ? "true" : "false", ["disable_users"] = disableUsers ? "true" : "false",
        });
        var result = await save.HandleAsync(id, ApiInput.FromForm(form), User.Identity!.Name!, HttpContext, ct);
        if (result.Succeeded)
            Message = enabled ? "Enabled: its button is back on the sign-in page." : $"Disabled. {result.SessionsEnded} session(s) ended." + (disableUsers ? " Its users are disabled too." : "");
        else Error = result.Violation!.Message;
        return Redirect($"/admin/sso-providers/{id}");
    }

    public async Task<IActionResult> OnPostMoveAsync(long id, long to_sso_strategy_id, bool confirm, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var to = Others.FirstOrDefault(o => o.Id == to_sso_strategy_id);
        if (to is null) { Error = "Choose a provider of this site to move the users to."; return Page(); }
        var result = await lifecycle.MoveUsersAsync(Strategy, to, null, dryRun: !confirm, User.Identity!.Name!, HttpContext, ct);
        if (result.Error is not null) { Error = result.Error; return Page(); }
        if (!confirm)
        {
            Preview = result.Usernames.ToList();
            PreviewTo = to.Id;
            if (Preview.Count == 0) { Preview = null; Error = "No user is assigned to this provider."; }
            return Page();
        }
        Message = $"Moved {result.Moved} user(s) to {to.Label}.";
        return Redirect($"/admin/sso-providers/{id}");
    }

    /// <summary>"Refresh now": re-fetch the IdP metadata; a failure keeps the last good configuration and is shown.</summary>
    public async Task<IActionResult> OnPostRefreshAsync(long id, CancellationToken ct)
    {
        var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return NotFound();
        if (s.Protocol != ProviderKinds.Saml || s.SamlProviderMetadataUrl is null)
        {
            Error = "This provider has no metadata URL to refresh.";
            return Redirect($"/admin/sso-providers/{id}");
        }
        var error = await samlRefresh.RefreshAsync(s, ct);
        await db.SaveChangesAsync(ct);
        if (error is null) Message = "Metadata refreshed.";
        else Error = $"The metadata could not be refreshed; the last good configuration stays in use. {error}";
        return Redirect($"/admin/sso-providers/{id}");
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        var violation = await remove.HandleAsync(id, User.Identity!.Name!, HttpContext, ct);
        if (violation is null)
        {
            TempData["Message"] = "Provider removed.";
            return Redirect("/admin/sso-providers");
        }
        Error = violation.Message;
        return Redirect($"/admin/sso-providers/{id}");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var s = await db.SsoStrategies.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return false;
        Strategy = s;
        Kind = ProviderKinds.Find(s.Provider)!;
        Form = new ProviderForm { Kind = Kind, Protocol = s.Protocol, Values = s, Editing = true };
        UserCount = await db.Users.CountAsync(u => u.SsoStrategyId == id, ct);
        SignInAvailable = handlers.For(s).SignInAvailable;
        Json = SsoStrategiesApi.ToJson(s, UserCount, handlers, HttpContext);
        if (s.Protocol == ProviderKinds.Oidc)
        {
            OidcIssuer = OidcSettings.Issuer(s, oidcOptions.Value, out _);
            OidcCache = OidcProviderCache.Read(s.ProtocolCacheJson);
        }
        Others = await db.SsoStrategies.AsNoTracking().Where(x => x.Id != id).OrderBy(x => x.SortOrder).ThenBy(x => x.Id).ToListAsync(ct);
        var sp = handlers.Endpoints(s, Request);
        void Add(string name, string label, string? value) { if (value is not null) SpValues.Add((name, label, value)); }
        Add("sp_entity_id", "SP entity ID (Audience)", sp.SpEntityId);
        Add("sp_acs_url", "ACS URL (Single sign-on URL, Recipient)", sp.SpAcsUrl);
        Add("sp_metadata_url", "SP metadata URL", sp.SpMetadataUrl);
        Add("oidc_redirect_uri", "Redirect URI", sp.OidcRedirectUri);
        if (s.Protocol == ProviderKinds.Oidc && OidcSettings.Options(s).ClientAuthMethod == OidcProtocolOptions.PrivateKeyJwt)
            Add("oidc_jwks_url", "Public keys (JWKS URL, private_key_jwt)", sp.OidcRedirectUri?.Replace("/callback", "/jwks"));
        Add("login_url", "Sign-in URL (SP-initiated)", sp.LoginUrl);
        if (s.Protocol != ProviderKinds.Ldap) Add("scim_base_url", "SCIM base URL", sp.ScimBaseUrl);
        LoadDirectory();
        return true;
    }
}
