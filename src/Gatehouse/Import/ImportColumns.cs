using System.Text;

namespace Gatehouse.Import;

/// <summary>The CSV columns of CONTRACT §5, in the order the template and the export write them.</summary>
public static class ImportColumns
{
    public const string Username = "username";
    public const string AuthenticationMethod = "authentication_method";
    public const string Password = "password";
    public const string ImportedPasswordHash = "imported_password_hash";
    public const string Email = "email";
    public const string Name = "name";
    public const string Company = "company";
    public const string GroupNames = "group_names";
    public const string SiteAdmin = "site_admin";
    public const string SshKey = "ssh_key";
    /// <summary>
    /// Extension to CONTRACT §5: the identity provider's immutable ID for an SSO user (Entra objectId, Okta user id),
    /// kept as the provider's SCIM <c>externalId</c> so its provisioning finds the imported user instead of a stranger.
    /// </summary>
    public const string ExternalId = "external_id";

    public static readonly string[] All =
        [Username, AuthenticationMethod, Password, ImportedPasswordHash, Email, Name, Company, GroupNames, SiteAdmin, SshKey, ExternalId];

    /// <summary>The downloadable template: the header and two example rows (a password user and an SSO user).</summary>
    public static byte[] Template(string? ssoLabel)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', All)).Append("\r\n");
        sb.Append("jsmith,password,Change-Me-Soon-2024,,jsmith@example.com,Jane Smith,Example Inc,\"Sales,Support\",false,,\r\n");
        sb.Append($"adoe,{Quote(ssoLabel ?? "Okta")},,,adoe@example.com,Alex Doe,Example Inc,Engineering,false,,\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
