namespace Gatehouse.Pages;

public sealed record SearchEntry(string Name, string Url, string Keywords);

/// <summary>The settings pages the search box finds by name. Capabilities add their pages here.</summary>
public static class SearchIndex
{
    private static readonly SearchEntry[] AdminPages =
    [
        new("Users", "/admin/users", "people accounts members authentication method unlock locked disable"),
        new("Groups", "/admin/groups", "teams membership"),
        new("Import users", "/admin/import", "bulk import export csv upload create users sso"),
        new("API Keys", "/admin/api-keys", "tokens rest api keys"),
        new("SSH Keys", "/admin/ssh-keys", "sftp public keys ssh"),
        new("Sessions", "/admin/sessions", "signed in sign out revoke end logout"),
        new("SSO Providers", "/admin/sso-providers", "single sign-on saml oidc okta entra azure onelogin auth0 ldap active directory identity provider"),
        new("SSO Events", "/admin/sso-events", "audit log sign-in attempts"),
    ];

    private static readonly SearchEntry[] UserPages =
    [
        new("My account", "/account", "profile my api keys my ssh keys change password"),
    ];

    public static IReadOnlyList<SearchEntry> For(bool admin) => admin ? [.. AdminPages, .. UserPages] : UserPages;

    public static IEnumerable<SearchEntry> Find(string query, bool admin)
    {
        var q = query.Trim();
        if (q.Length == 0) return [];
        return For(admin).Where(e => e.Name.Contains(q, StringComparison.OrdinalIgnoreCase)
            || e.Keywords.Split(' ').Any(k => k.StartsWith(q, StringComparison.OrdinalIgnoreCase))
            || q.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(w => e.Name.Contains(w, StringComparison.OrdinalIgnoreCase) || e.Keywords.Contains(w, StringComparison.OrdinalIgnoreCase)));
    }
}
