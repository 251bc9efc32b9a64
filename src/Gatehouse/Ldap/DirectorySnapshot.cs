using System.DirectoryServices.Protocols;

namespace Gatehouse.Ldap;

/// <summary>One person in the directory, with every group they belong to through any depth of nesting (by group name).</summary>
public sealed record DirectoryUser(string Key, string Dn, string Username, string? Name, string? Email, IReadOnlySet<string> Groups, AccountProblem? State);

public sealed record DirectorySnapshot(IReadOnlyList<DirectoryUser> Users, IReadOnlyList<string> Skipped);

/// <summary>
/// Reads users and groups under the base DN with paged searches (RFC 2696) as the service account, and resolves
/// nested groups: in memory from <c>memberOf</c> (AD, OpenLDAP memberOf overlay) and <c>member</c>/<c>uniqueMember</c>
/// edges, and for Active Directory also on the server with LDAP_MATCHING_RULE_IN_CHAIN for the groups the rules name
/// (covers memberships that ranged <c>member</c> values would hide). The primary group (<c>primaryGroupID</c>) is not
/// a membership here, as in <c>memberOf</c>.
/// </summary>
public static class DirectoryReader
{
    private const string InChain = "1.2.840.113556.1.4.1941"; // [MS-ADTS] LDAP_MATCHING_RULE_IN_CHAIN

    public static DirectorySnapshot Read(LdapConnector connector, LdapConnection c, LdapSettings s, Func<string, bool> groupIsNamedByRules)
    {
        string[] userAttributes = [s.UsernameField, s.KeyAttribute, "cn", "displayName", "givenName", "sn", "mail", "memberOf", .. DirectoryAccountState.Attributes];
        var users = connector.Search(c, s.BaseDn, SearchScope.Subtree, s.UserObjectFilter, userAttributes).ToList();
        var groups = connector.Search(c, s.BaseDn, SearchScope.Subtree, s.GroupObjectFilter, ["cn", "memberOf", "member", "uniqueMember"]).ToList();

        // 1. The membership graph: entry DN → the groups it is a direct member of (normalized DNs).
        var parents = new Dictionary<string, HashSet<string>>();
        void Edge(string child, string group)
        {
            var k = LdapEscaping.NormalizeDn(child);
            if (!parents.TryGetValue(k, out var set)) parents[k] = set = [];
            set.Add(LdapEscaping.NormalizeDn(group));
        }
        var names = new Dictionary<string, string>();
        foreach (var g in groups)
        {
            names[LdapEscaping.NormalizeDn(g.Dn)] = g.First("cn") ?? LdapEscaping.FirstRdnValue(g.Dn) ?? g.Dn;
            foreach (var p in g.All("memberOf")) Edge(g.Dn, p);
            foreach (var m in g.All("member").Concat(g.All("uniqueMember"))) Edge(m, g.Dn);
        }
        foreach (var u in users)
            foreach (var p in u.All("memberOf")) Edge(u.Dn, p);

        string NameOf(string normalizedDn) => names.TryGetValue(normalizedDn, out var n) ? n : LdapEscaping.FirstRdnValue(normalizedDn) ?? normalizedDn;

        // 2. AD: the server evaluates nesting for the groups the rules name.
        var extra = new Dictionary<string, HashSet<string>>();
        if (s.ActiveDirectory)
        {
            foreach (var g in groups.Where(g => groupIsNamedByRules(NameOf(LdapEscaping.NormalizeDn(g.Dn)))))
            {
                var filter = $"(&{s.UserObjectFilter}(memberOf:{InChain}:={LdapEscaping.FilterValue(g.Dn)}))";
                foreach (var member in connector.Search(c, s.BaseDn, SearchScope.Subtree, filter, [s.KeyAttribute]))
                    if (member.Key(true) is { } key)
                    {
                        if (!extra.TryGetValue(key, out var set)) extra[key] = set = new(StringComparer.OrdinalIgnoreCase);
                        set.Add(NameOf(LdapEscaping.NormalizeDn(g.Dn)));
                    }
            }
        }

        // 3. Each user with the transitive closure of their groups (cycles are harmless: visited set).
        var result = new List<DirectoryUser>();
        var skipped = new List<string>();
        var now = DateTime.UtcNow;
        foreach (var u in users)
        {
            var key = u.Key(s.ActiveDirectory);
            var username = u.First(s.UsernameField);
            if (key is null || string.IsNullOrWhiteSpace(username)) { skipped.Add($"{u.Dn}: no {(key is null ? s.KeyAttribute : s.UsernameField)}"); continue; }
            var seen = new HashSet<string>();
            var queue = new Queue<string>();
            queue.Enqueue(LdapEscaping.NormalizeDn(u.Dn));
            while (queue.Count > 0)
                if (parents.TryGetValue(queue.Dequeue(), out var ps))
                    foreach (var p in ps) if (seen.Add(p)) queue.Enqueue(p);
            var groupNames = new HashSet<string>(seen.Select(NameOf), StringComparer.OrdinalIgnoreCase);
            if (extra.TryGetValue(key, out var more)) groupNames.UnionWith(more);
            var name = u.First("displayName") ?? u.First("cn") ?? string.Join(' ', new[] { u.First("givenName"), u.First("sn") }.Where(x => x is not null));
            result.Add(new DirectoryUser(key, u.Dn, username.Trim(), string.IsNullOrWhiteSpace(name) ? null : name, u.First("mail"), groupNames,
                DirectoryAccountState.Evaluate(u, now)));
        }
        return new DirectorySnapshot(result, skipped);
    }
}
