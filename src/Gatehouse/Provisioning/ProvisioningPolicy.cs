using System.Text.RegularExpressions;
using Group = Gatehouse.Accounts.Group;
using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Provisioning;

/// <summary>
/// A provider's <c>provision_*</c> options, applied the same way by SCIM and JIT. Group lists are comma- or
/// newline-separated names where <c>*</c> matches any run of characters, compared case-insensitively (as Files.com).
/// </summary>
public static class ProvisioningPolicy
{
    public static IReadOnlyList<string> Names(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] :
        list.Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool Matches(string? patterns, string name)
    {
        foreach (var pattern in Names(patterns))
        {
            var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*") + "$";
            if (Regex.IsMatch(name, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50))) return true;
        }
        return false;
    }

    /// <summary>Inclusion (when set) admits the group; exclusion always wins.</summary>
    public static bool GroupAllowed(SsoStrategy s, string groupName) =>
        (Names(s.ProvisionGroupInclusion).Count == 0 || Matches(s.ProvisionGroupInclusion, groupName))
        && !Matches(s.ProvisionGroupExclusion, groupName);

    /// <summary>With required groups set, a user is provisioned only when one of their groups matches.</summary>
    public static bool MeetsRequired(SsoStrategy s, IEnumerable<string> groupNames) =>
        Names(s.ProvisionGroupRequired).Count == 0 || groupNames.Any(g => Matches(s.ProvisionGroupRequired, g));

    public static bool HasRequired(SsoStrategy s) => Names(s.ProvisionGroupRequired).Count > 0;

    /// <summary>The defaults every new provisioned user gets: method, provider, company, protocol permissions.</summary>
    public static User NewUser(SsoStrategy s, string username, DateTime now) => new()
    {
        Username = username,
        UsernameNormalized = User.Normalize(username),
        AuthenticationMethod = AuthenticationMethods.Sso,
        SsoStrategyId = s.Id,
        ExternallyManaged = true,
        Company = string.IsNullOrWhiteSpace(s.ProvisionCompany) ? null : s.ProvisionCompany.Trim(),
        DavPermission = s.ProvisionDavPermission,
        FtpPermission = s.ProvisionFtpPermission,
        SftpPermission = s.ProvisionSftpPermission,
        CreatedAt = now,
    };

    /// <summary>Adds a new user to the provider's default groups, creating a missing one (a plain site group).</summary>
    public static async Task AddDefaultGroupsAsync(GatehouseDb db, SsoStrategy s, User user, DateTime now, CancellationToken ct)
    {
        foreach (var name in Names(s.ProvisionGroupDefault))
        {
            var group = await FindOrCreateGroupAsync(db, name, now, ct);
            if (group is null) continue;
            if (user.Id != 0 && await db.GroupUsers.AnyAsync(m => m.GroupId == group.Id && m.UserId == user.Id, ct)) continue;
            db.GroupUsers.Add(new GroupUser { Group = group, User = user });
        }
    }

    public static async Task<Group?> FindOrCreateGroupAsync(GatehouseDb db, string name, DateTime now, CancellationToken ct)
    {
        name = name.Trim();
        if (GroupNameProblem(name) is not null) return null;
        var normalized = name.ToLowerInvariant();
        var group = db.Groups.Local.FirstOrDefault(g => g.NameNormalized == normalized)
            ?? await db.Groups.FirstOrDefaultAsync(g => g.NameNormalized == normalized, ct);
        if (group is not null) return group;
        group = new Group { Name = name, NameNormalized = normalized, CreatedAt = now };
        db.Groups.Add(group);
        return group;
    }

    /// <summary>The same rules as the REST API's group names.</summary>
    public static string? GroupNameProblem(string name) =>
        name.Length == 0 ? "is required"
        : name.Length > 128 ? "is longer than 128 characters"
        : name.Any(c => char.IsControl(c) || c is '<' or '>' or '"' or '/' or '\\') ? "must not contain control characters, slashes, quotes or angle brackets"
        : null;

    /// <summary>The same rules as the REST API's usernames.</summary>
    public static string? UsernameProblem(string username) =>
        username.Length == 0 ? "is required"
        : username.Length > 128 ? "is longer than 128 characters"
        : username.Any(c => char.IsControl(c) || c is '/' or '\\' or '<' or '>' or '"') ? "must not contain control characters, slashes, quotes or angle brackets"
        : null;

    /// <summary>
    /// <c>provision_site_admin_groups</c>: when set, a provider user is a site admin exactly while a member of a
    /// matching group. The option is the site's explicit consent for an IdP to grant admin (security catalogue §5.1).
    /// Reads saved memberships: call after the membership change is saved, then save again.
    /// </summary>
    public static async Task SyncSiteAdminAsync(GatehouseDb db, SsoStrategy s, IReadOnlyCollection<long> userIds, CancellationToken ct)
    {
        if (Names(s.ProvisionSiteAdminGroups).Count == 0 || userIds.Count == 0) return;
        var users = await db.Users.Where(u => userIds.Contains(u.Id) && u.SsoStrategyId == s.Id).ToListAsync(ct);
        var memberships = await db.GroupUsers.Where(m => userIds.Contains(m.UserId)).Select(m => new { m.UserId, m.Group.Name }).ToListAsync(ct);
        foreach (var user in users)
        {
            var names = memberships.Where(m => m.UserId == user.Id).Select(m => m.Name);
            user.SiteAdmin = names.Any(n => Matches(s.ProvisionSiteAdminGroups, n));
        }
    }
}
