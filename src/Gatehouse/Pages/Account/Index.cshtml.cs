using Gatehouse.Accounts;
using Gatehouse.Pages.Admin.Users;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Account;

public sealed record OwnKeyRow(long Id, string Name, string Detail, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt);

/// <summary>
/// My account, for every signed-in user (SSO users included): profile, own password, own API keys
/// (a new key is shown once, on the response to its creation), own SSH keys.
/// </summary>
public sealed class IndexModel(GatehouseDb db, TimeProvider time) : FlashPageModel
{
    public User Me { get; private set; } = null!;
    public string MethodLabel { get; private set; } = "";
    public bool CanChangePassword => ChangeOwnPassword.HasPassword(Me);
    public List<OwnKeyRow> ApiKeys { get; private set; } = [];
    public List<OwnKeyRow> SshKeys { get; private set; } = [];
    /// <summary>The key just created: on this response only; the database keeps its hash.</summary>
    public string? NewApiKey { get; private set; }
    public string? NewApiKeyName { get; private set; }
    /// <summary>What was typed into a refused form, to show it again.</summary>
    public Dictionary<string, string> Typed { get; } = new(StringComparer.Ordinal);

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostPasswordAsync(string? current_password, string? new_password, string? confirm_password, CancellationToken ct)
    {
        var handler = ActivatorUtilities.GetServiceOrCreateInstance<ChangeOwnPassword>(HttpContext.RequestServices);
        Errors = await handler.HandleAsync(HttpContext.CurrentUser(), new(current_password, new_password, confirm_password), HttpContext, ct);
        if (Errors.Count > 0) return await RefuseAsync("Your password was not changed.", ct);
        Message = "Password changed. Your other sessions have ended.";
        return Redirect("/account");
    }

    public async Task<IActionResult> OnPostCreateApiKeyAsync(string? name, string? expires_at, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        name = name?.Trim() ?? "";
        if (name.Length == 0) Errors["name"] = ["is required"];
        else if (name.Length > 256) Errors["name"] = ["must be at most 256 characters"];
        else if (name.Any(char.IsControl)) Errors["name"] = ["must not contain control characters"];
        var expires = ParseExpiry(expires_at, now);
        if (Errors.Count > 0)
        {
            Typed["name"] = name;
            Typed["expires_at"] = expires_at ?? "";
            return await RefuseAsync("No API key was created.", ct);
        }
        var (entity, key) = Accounts.ApiKeys.New(HttpContext.CurrentUser(), name, now, expiresAt: expires);
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(ct);
        // Shown on this response and never again (no redirect: the key must not travel through TempData).
        NewApiKey = key;
        NewApiKeyName = name;
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteApiKeyAsync(long id, CancellationToken ct)
    {
        var me = User.UserId();
        var deleted = await db.ApiKeys.Where(k => k.Id == id && k.UserId == me).ExecuteDeleteAsync(ct);
        if (deleted == 0) Error = "That API key is not one of yours.";
        else Message = "API key deleted.";
        return Redirect("/account");
    }

    public async Task<IActionResult> OnPostAddSshKeyAsync(string? title, string? public_key, CancellationToken ct)
    {
        var handler = ActivatorUtilities.GetServiceOrCreateInstance<AddOwnSshKey>(HttpContext.RequestServices);
        Errors = await handler.HandleAsync(HttpContext.CurrentUser(), new(title, public_key), ct);
        if (Errors.Count > 0)
        {
            Typed["title"] = title ?? "";
            Typed["public_key"] = public_key ?? "";
            return await RefuseAsync("The SSH key was not added.", ct);
        }
        Message = "SSH key added.";
        return Redirect("/account");
    }

    public async Task<IActionResult> OnPostDeleteSshKeyAsync(long id, CancellationToken ct)
    {
        var me = User.UserId();
        var deleted = await db.PublicKeys.Where(k => k.Id == id && k.UserId == me).ExecuteDeleteAsync(ct);
        if (deleted == 0) Error = "That SSH key is not one of yours.";
        else Message = "SSH key deleted.";
        return Redirect("/account");
    }

    /// <summary>An optional date (the key stops working at its start, UTC), in the future and within ten years.</summary>
    private DateTime? ParseExpiry(string? value, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            Errors["expires_at"] = ["must be a date like 2030-12-31"];
            return null;
        }
        var at = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (at <= now) Errors["expires_at"] = ["must be a date in the future"];
        else if (at > now.AddYears(10)) Errors["expires_at"] = ["must be within ten years"];
        return at;
    }

    private async Task<IActionResult> RefuseAsync(string message, CancellationToken ct)
    {
        await LoadAsync(ct);
        return Refused(message);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var id = User.UserId();
        Me = await db.Users.AsNoTracking().FirstAsync(u => u.Id == id, ct);
        MethodLabel = AuthenticationMethodLabel.For(Me.AuthenticationMethod, Me.SsoStrategyId, await AuthenticationMethodLabel.ProviderLabelsAsync(db, ct));
        ApiKeys = await db.ApiKeys.Where(k => k.UserId == id).OrderBy(k => k.Id)
            .Select(k => new OwnKeyRow(k.Id, k.Name, k.DescriptiveLabel, k.CreatedAt, k.ExpiresAt, k.LastUseAt)).ToListAsync(ct);
        SshKeys = await db.PublicKeys.Where(k => k.UserId == id).OrderBy(k => k.Id)
            .Select(k => new OwnKeyRow(k.Id, k.Title, "SHA256:" + k.FingerprintSha256, k.CreatedAt, null, k.LastLoginAt)).ToListAsync(ct);
    }
}
