using Gatehouse.Ldap;
using Gatehouse.Providers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.Providers;

/// <summary>The LDAP/AD provider's "Directory" card: test the connection step by step, run a sync, approve a held run.</summary>
public sealed partial class EditModel
{
    public TestConnectionReport? TestReport { get; private set; }
    public string? TestUsername { get; private set; }
    public LdapSyncState? Sync { get; private set; }
    public bool SyncIncluded { get; private set; }

    public async Task<IActionResult> OnPostTestDirectoryAsync(long id, string? test_username, [FromServices] LdapTestConnection test, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (Strategy.Protocol != ProviderKinds.Ldap) { Error = "Only LDAP and Active Directory providers have a connection to test."; return Page(); }
        TestUsername = test_username?.Trim() is { Length: > 0 and <= 128 } name ? name : null;
        try { TestReport = await test.RunAsync(Strategy, TestUsername, ct); }
        catch (TimeoutException) { TestReport = new(false, null, [new("connect", "failed", "The directory did not answer in time.")]); }
        return Page();
    }

    public Task<IActionResult> OnPostSyncAsync(long id, [FromServices] LdapSync sync, CancellationToken ct) => RunSyncAsync(id, false, sync, ct);

    public Task<IActionResult> OnPostApproveSyncAsync(long id, [FromServices] LdapSync sync, CancellationToken ct) => RunSyncAsync(id, true, sync, ct);

    private async Task<IActionResult> RunSyncAsync(long id, bool approve, LdapSync sync, CancellationToken ct)
    {
        var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return NotFound();
        if (s.Protocol != ProviderKinds.Ldap) { Error = "Only LDAP and Active Directory providers sync a directory."; return Redirect($"/admin/sso-providers/{id}#directory"); }
        var result = await sync.RunAsync(s, "manual", approve, User.Identity!.Name, HttpContext, ct);
        if (result.Held is { } held)
            Error = $"Sync held: it would disable {held.WouldDisableUsernames.Count} of {held.EnabledUsers} user(s), more than the "
                + $"{held.MaxDisableShare:P0} allowed. Review the list below and approve it, or fix the directory and sync again.";
        else if (result.Violation is { } v) Error = v.Message;
        else if (result.Summary is { } r)
            Message = $"Sync {(approve ? "approved and " : "")}completed: {r.Created} created, {r.Updated} updated, {r.Disabled} disabled, {r.Deleted} deleted, {r.Enabled} enabled"
                + (r.Conflicts > 0 ? $", {r.Conflicts} conflict(s)" : "") + ".";
        return Redirect($"/admin/sso-providers/{id}#directory");
    }

    private void LoadDirectory()
    {
        if (Strategy.Protocol != ProviderKinds.Ldap) return;
        Sync = LdapSyncState.Read(Strategy);
        SyncIncluded = HttpContext.RequestServices.GetRequiredService<ProviderRules>().Limits.DirectorySync;
    }
}
