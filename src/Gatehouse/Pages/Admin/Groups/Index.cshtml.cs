using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.Groups;

public sealed record GroupRow(long Id, string Name, string? Notes, int Members);

/// <summary>The Groups page: all groups with their member counts, and the form to create one.</summary>
public sealed class IndexModel(GatehouseDb db, TimeProvider time) : FlashPageModel
{
    [BindProperty(SupportsGet = true, Name = "after")] public string? After { get; set; }
    public KeysetPage<GroupRow> Groups { get; private set; } = new([], null, false);
    public string NewName { get; private set; } = "";
    public string NewNotes { get; private set; } = "";

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? notes, CancellationToken ct)
    {
        var group = new Group { Name = "", NameNormalized = "", CreatedAt = time.GetUtcNow().UtcDateTime };
        Errors = await GroupInput.ApplyAsync(db, group, name, notes, ct);
        if (Errors.Count == 0)
        {
            db.Groups.Add(group);
            try
            {
                await db.SaveChangesAsync(ct);
                Message = $"Group {group.Name} created. Add its members below.";
                return Redirect($"/admin/groups/{group.Id}");
            }
            catch (DbUpdateException) { db.ChangeTracker.Clear(); Errors["name"] = ["is already used by another group"]; }
        }
        NewName = name ?? "";
        NewNotes = notes ?? "";
        await LoadAsync(ct);
        return Refused("The group was not created. Please correct the fields below.");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        After = Display.Filter(After);
        var query = db.Groups.AsNoTracking();
        if (After is { } after)
        {
            var a = after.ToLowerInvariant();
            query = query.Where(g => string.Compare(g.NameNormalized, a) > 0);
        }
        Groups = await Keyset.ReadAsync(query.OrderBy(g => g.NameNormalized)
            .Select(g => new GroupRow(g.Id, g.Name, g.Notes, g.Members.Count)), ct);
    }
}
