using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.SshKeys;

public sealed record SshKeyRow(long Id, string Title, long UserId, string Username, string Algorithm, string FingerprintSha256, DateTime CreatedAt);

/// <summary>Every SSH public key of the site; users add their own on their account page.</summary>
public sealed class IndexModel(GatehouseDb db) : FlashPageModel
{
    [BindProperty(SupportsGet = true, Name = "before")] public long? Before { get; set; }
    public KeysetPage<SshKeyRow> Keys { get; private set; } = new([], null, false);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = db.PublicKeys.AsQueryable();
        if (Before is { } before) query = query.Where(k => k.Id < before);
        Keys = await Keyset.ReadAsync(query.OrderByDescending(k => k.Id)
            .Select(k => new SshKeyRow(k.Id, k.Title, k.UserId, k.User.Username, k.Algorithm, k.FingerprintSha256, k.CreatedAt)), ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, string? return_to, CancellationToken ct)
    {
        var deleted = await db.PublicKeys.Where(k => k.Id == id).ExecuteDeleteAsync(ct);
        if (deleted == 0) Error = "That SSH key does not exist on this site.";
        else Message = "SSH key deleted.";
        return Redirect(Back(return_to, "/admin/ssh-keys"));
    }
}
