using Gatehouse.Api;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Accounts;

/// <summary>
/// Applies the writable Files.com group fields (<c>name</c>, <c>notes</c>, <c>user_ids</c>, <c>admin_ids</c>) to a
/// new or existing group, validating each; nothing is saved here. Names are unique per site, case-insensitively.
/// </summary>
public static class GroupChanges
{
    public const int MaxName = 128;
    public const int MaxNotes = 2000;

    public static async Task ApplyAsync(GatehouseDb db, Group group, ApiInput input, bool creating, CancellationToken ct)
    {
        var name = input.String("name", MaxName, required: creating)?.Trim();
        if (name is not null)
        {
            if (name.Length == 0) input.AddError("name", "is required");
            else if (name.Any(c => char.IsControl(c) || c is '<' or '>' or '"' or '/' or '\\'))
                input.AddError("name", "must not contain control characters, slashes, quotes or angle brackets");
            else
            {
                var normalized = name.ToLowerInvariant();
                if (await db.Groups.AnyAsync(g => g.NameNormalized == normalized && g.Id != group.Id, ct))
                    input.AddError("name", "is already used by another group");
                group.Name = name;
                group.NameNormalized = normalized;
            }
        }
        if (input.String("notes", MaxNotes) is { } notes) group.Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim();
        await ApplyMembersAsync(db, group, input, ct);
    }

    /// <summary>
    /// <c>user_ids</c> replaces the member list; <c>admin_ids</c> sets who among them is a group admin (and adds
    /// any admin who is not yet a member). Both accept "1,2,3" or [1,2,3].
    /// </summary>
    private static async Task ApplyMembersAsync(GatehouseDb db, Group group, ApiInput input, CancellationToken ct)
    {
        var userIds = input.LongList("user_ids");
        var adminIds = input.LongList("admin_ids");
        if (userIds is null && adminIds is null) return;
        var named = (userIds ?? []).Union(adminIds ?? []).ToList();
        var known = await db.Users.Where(u => named.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        foreach (var (field, ids) in new[] { ("user_ids", userIds), ("admin_ids", adminIds) })
            if (ids?.Except(known).ToList() is { Count: > 0 } missing)
                input.AddError(field, $"contains unknown users: {string.Join(", ", missing)}");
        if (!input.IsValid) return;

        if (group.Id != 0) await db.Entry(group).Collection(g => g.Members).LoadAsync(ct);
        if (userIds is not null)
        {
            var keep = userIds.Union(adminIds ?? []).ToHashSet();
            group.Members.Where(m => !keep.Contains(m.UserId)).ToList().ForEach(m => { group.Members.Remove(m); db.GroupUsers.Remove(m); });
            foreach (var id in userIds.Where(id => group.Members.All(m => m.UserId != id)))
                group.Members.Add(new GroupUser { UserId = id, Group = group });
        }
        if (adminIds is not null)
        {
            foreach (var m in group.Members) m.Admin = adminIds.Contains(m.UserId);
            foreach (var id in adminIds.Where(id => group.Members.All(m => m.UserId != id)))
                group.Members.Add(new GroupUser { UserId = id, Group = group, Admin = true });
        }
    }
}
