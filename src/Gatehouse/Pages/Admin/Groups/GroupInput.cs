using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.Groups;

/// <summary>The rules for a group's name and notes, shared by the create form and the group page.</summary>
public static class GroupInput
{
    public const int MaxName = 128;
    public const int MaxNotes = 2000;

    /// <summary>Validates and applies name and notes; returns the problems by field (empty when applied).</summary>
    public static async Task<Dictionary<string, List<string>>> ApplyAsync(GatehouseDb db, Group group, string? name, string? notes, CancellationToken ct)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message) => errors[field] = [message];
        name = name?.Trim() ?? "";
        notes = notes?.Trim() ?? "";
        if (name.Length == 0) Add("name", "is required");
        else if (name.Length > MaxName) Add("name", $"must be at most {MaxName} characters");
        else if (name.Any(c => char.IsControl(c) || c is '<' or '>' or '"' or '/' or '\\')) Add("name", "must not contain control characters, slashes, quotes or angle brackets");
        else
        {
            var normalized = name.ToLowerInvariant();
            if (await db.Groups.AnyAsync(g => g.NameNormalized == normalized && g.Id != group.Id, ct)) Add("name", "is already used by another group");
        }
        if (notes.Length > MaxNotes) Add("notes", $"must be at most {MaxNotes} characters");
        else if (notes.Contains('\0')) Add("notes", "must not contain NUL characters");
        if (errors.Count > 0) return errors;
        group.Name = name;
        group.NameNormalized = name.ToLowerInvariant();
        group.Notes = notes.Length == 0 ? null : notes;
        return errors;
    }
}
