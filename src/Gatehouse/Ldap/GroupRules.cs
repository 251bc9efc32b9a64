using System.Text.RegularExpressions;
using Gatehouse.Providers;

namespace Gatehouse.Ldap;

/// <summary>
/// A provider's group rules (Files.com semantics): names separated by commas or new lines, <c>*</c> matches any run of
/// characters, case-insensitive. <c>provision_group_inclusion</c>: members of any of these (empty = everyone under the
/// base DN); <c>provision_group_exclusion</c>: members of any of these are left out; <c>provision_group_required</c>:
/// each pattern must match one of the user's groups.
/// </summary>
public sealed class GroupRules
{
    private readonly Regex[] _inclusion, _exclusion, _required, _admins;

    public GroupRules(SsoStrategy s)
    {
        _inclusion = Parse(s.ProvisionGroupInclusion);
        _exclusion = Parse(s.ProvisionGroupExclusion);
        _required = Parse(s.ProvisionGroupRequired);
        _admins = Parse(s.ProvisionSiteAdminGroups);
    }

    public static Regex[] Parse(string? list) =>
        (list ?? "").Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => new Regex("^" + string.Join(".*", p.Split('*').Select(Regex.Escape)) + "$",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)))
            .ToArray();

    public static string[] Names(string? list) =>
        (list ?? "").Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool Any(Regex[] patterns, string name) => patterns.Any(p => p.IsMatch(name));

    /// <summary>Is a group mentioned by any rule (AD then asks the server for its nested members)?</summary>
    public bool Mentions(string group) => Any(_inclusion, group) || Any(_exclusion, group) || Any(_required, group) || Any(_admins, group);

    public bool InScope(IReadOnlySet<string> groups) =>
        (_inclusion.Length == 0 || groups.Any(g => Any(_inclusion, g)))
        && !groups.Any(g => Any(_exclusion, g))
        && _required.All(r => groups.Any(r.IsMatch));

    /// <summary>Groups mirrored as Gatehouse groups (provision_groups): those the inclusion names (or all), minus exclusions.</summary>
    public bool IsSyncedGroup(string group) => (_inclusion.Length == 0 || Any(_inclusion, group)) && !Any(_exclusion, group);

    public bool HasAdminRule => _admins.Length > 0;
    public bool IsAdmin(IReadOnlySet<string> groups) => groups.Any(g => Any(_admins, g));
}
