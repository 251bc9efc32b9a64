using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.Groups;

public sealed record MemberRow(long UserId, string Username, string? Name, bool GroupAdmin);

/// <summary>One group: rename and notes, members added by username and removed, delete.</summary>
public sealed class EditModel(GatehouseDb db) : FlashPageModel
{
    public Group Group { get; private set; } = null!;
    public GroupFields Form { get; private set; } = null!;
    public List<MemberRow> Members { get; private set; } = [];
    public string AddUsername { get; private set; } = "";
    public bool ConfirmDelete { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, string? confirm, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        ConfirmDelete = confirm == "delete";
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(long id, string? name, string? notes, CancellationToken ct)
    {
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == id, ct);
        if (group is null) return NotFound();
        Errors = await GroupInput.ApplyAsync(db, group, name, notes, ct);
        if (Errors.Count == 0)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                Message = "Saved.";
                return Redirect($"/admin/groups/{id}");
            }
            catch (DbUpdateException) { Errors["name"] = ["is already used by another group"]; }
        }
        db.ChangeTracker.Clear();
        await LoadAsync(id, ct);
        Form = Form with { Name = name ?? "", Notes = notes ?? "" };
        return Refused("Nothing was saved. Please correct the fields below.");
    }

    public async Task<IActionResult> OnPostAddMemberAsync(long id, string? username, CancellationToken ct)
    {
        if (!await db.Groups.AnyAsync(g => g.Id == id, ct)) return NotFound();
        var normalized = Gatehouse.Accounts.User.Normalize(username ?? "");
        var user = normalized.Length is > 0 and <= 128
            ? await db.Users.Where(u => u.UsernameNormalized == normalized).Select(u => new { u.Id, u.Username }).FirstOrDefaultAsync(ct)
            : null;
        string? problem = null;
        if (normalized.Length == 0) problem = "is required";
        else if (user is null) problem = "does not match any user of this site";
        else if (await db.GroupUsers.AnyAsync(m => m.GroupId == id && m.UserId == user.Id, ct)) problem = $"is already a member ({user.Username})";
        if (problem is not null)
        {
            Errors["username"] = [problem];
            await LoadAsync(id, ct);
            AddUsername = username ?? "";
            return Refused("No member was added.");
        }
        db.GroupUsers.Add(new GroupUser { GroupId = id, UserId = user!.Id });
        await db.SaveChangesAsync(ct);
        Message = $"{user.Username} added.";
        return Redirect($"/admin/groups/{id}");
    }

    public async Task<IActionResult> OnPostRemoveMemberAsync(long id, long user_id, CancellationToken ct)
    {
        var removed = await db.GroupUsers.Where(m => m.GroupId == id && m.UserId == user_id).ExecuteDeleteAsync(ct);
        if (removed == 0) Error = "That user is not a member of this group.";
        else Message = "Member removed.";
        return Redirect($"/admin/groups/{id}");
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == id, ct);
        if (group is null) return NotFound();
        db.Groups.Remove(group);
        await db.SaveChangesAsync(ct);
        Message = $"Group {group.Name} deleted.";
        return Redirect("/admin/groups");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var group = await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, ct);
        if (group is null) return false;
        Group = group;
        Form = new GroupFields(group.Name, group.Notes ?? "", Errors, "edit-");
        Members = await db.GroupUsers.Where(m => m.GroupId == id).OrderBy(m => m.User.UsernameNormalized)
            .Select(m => new MemberRow(m.UserId, m.User.Username, m.User.Name, m.Admin)).ToListAsync(ct);
        return true;
    }
}
