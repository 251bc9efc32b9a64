using Gatehouse.Accounts;
using Gatehouse.Api;
using Gatehouse.Persistence;
using Microsoft.Extensions.Primitives;

namespace Gatehouse.Pages.Admin.Groups;

/// <summary>The group forms post name and notes; <see cref="GroupChanges"/> validates them exactly as the REST API does.</summary>
public static class GroupInput
{
    /// <summary>Validates and applies name and notes; returns the problems by field (empty when applied).</summary>
    public static async Task<Dictionary<string, List<string>>> ApplyAsync(GatehouseDb db, Group group, string? name, string? notes, CancellationToken ct)
    {
        var input = ApiInput.FromForm(new FormCollection(new Dictionary<string, StringValues> { ["name"] = name ?? "", ["notes"] = notes ?? "" }));
        await GroupChanges.ApplyAsync(db, group, input, creating: group.Id == 0, ct);
        return input.Errors;
    }
}
