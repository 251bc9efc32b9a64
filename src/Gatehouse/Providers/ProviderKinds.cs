namespace Gatehouse.Providers;

/// <summary>One kind of provider offered in "Add provider": its API name, display name and protocols.</summary>
public sealed record ProviderKind(string Name, string DisplayName, string[] Protocols, string LogoSvg)
{
    public string DefaultProtocol => Protocols[0];
}

/// <summary>The provider kinds of CONTRACT §2. Okta, Entra ID, OneLogin and Auth0 speak SAML or OIDC.</summary>
public static class ProviderKinds
{
    public const string Saml = "saml", Oidc = "oidc", Ldap = "ldap";

    public static readonly ProviderKind[] All =
    [
        new("saml", "SAML (any provider)", [Saml], Logos.Saml),
        new("azure", "Microsoft Entra ID (Azure)", [Saml, Oidc], Logos.Azure),
        new("okta", "Okta", [Saml, Oidc], Logos.Okta),
        new("onelogin", "OneLogin", [Saml, Oidc], Logos.OneLogin),
        new("auth0", "Auth0", [Saml, Oidc], Logos.Auth0),
        new("oidc", "OpenID Connect", [Oidc], Logos.Oidc),
        new("active_directory", "Microsoft Active Directory", [Ldap], Logos.ActiveDirectory),
        new("ldap", "LDAP", [Ldap], Logos.Ldap),
    ];

    public static ProviderKind? Find(string? name) => All.FirstOrDefault(k => k.Name == name);

    public static string[] Names => All.Select(k => k.Name).ToArray();
}

/// <summary>Our own simple SVG marks for the provider tiles (not the vendors' trademarks).</summary>
public static class Logos
{
    private static string Mark(string color, string text) =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 48 48\" width=\"48\" height=\"48\" aria-hidden=\"true\"><rect x=\"2\" y=\"2\" width=\"44\" height=\"44\" rx=\"10\" fill=\"{color}\"/><text x=\"24\" y=\"30\" font-family=\"system-ui,sans-serif\" font-size=\"{(text.Length > 2 ? 12 : 16)}\" font-weight=\"700\" fill=\"#fff\" text-anchor=\"middle\">{text}</text></svg>";

    public static readonly string Saml = Mark("#475467", "SAML");
    public static readonly string Azure = Mark("#0b6fc4", "Entra");
    public static readonly string Okta = Mark("#1a1f71", "okta");
    public static readonly string OneLogin = Mark("#1c1f2a", "1L");
    public static readonly string Auth0 = Mark("#eb5424", "A0");
    public static readonly string Oidc = Mark("#f08a1c", "OIDC");
    public static readonly string ActiveDirectory = Mark("#2f6fbd", "AD");
    public static readonly string Ldap = Mark("#3d8b37", "LDAP");
}
