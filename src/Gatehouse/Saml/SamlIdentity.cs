using Gatehouse.Providers;

namespace Gatehouse.Saml;

/// <summary>Maps a validated assertion to the <see cref="ExternalIdentity"/> that <see cref="CompleteSsoSignIn"/> resolves.</summary>
public static class SamlIdentity
{
    private const string Transient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
    private const string Unspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    private static readonly string[] EmailAttributes = ["email", "mail", "emailAddress", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "urn:oid:0.9.2342.19200300.100.1.3"];
    private static readonly string[] NameAttributes = ["displayName", "name", "http://schemas.microsoft.com/identity/claims/displayname", "urn:oid:2.16.840.1.113730.3.1.241"];

    /// <summary>
    /// Issuer = the IdP entity ID; Subject = the NameID qualified by its format (<c>{format}|{value}</c>; the
    /// value alone when unspecified), the immutable key of the identity link; Username = the provider's identity
    /// attribute, or the NameID. A transient NameID changes every time, so the link is keyed by the username instead.
    /// </summary>
    public static ExternalIdentity From(SamlAssertion a, SsoStrategy s)
    {
        var username = s.IdentityAttribute is { } attribute ? First(a, attribute) : a.NameId;
        var subject = a.NameIdFormat switch
        {
            null or Unspecified => a.NameId,
            Transient => "username|" + (username ?? a.NameId),
            var format => format + "|" + a.NameId,
        };
        return new ExternalIdentity(a.Issuer, subject, username,
            EmailAttributes.Select(n => First(a, n)).FirstOrDefault(v => v is not null),
            NameAttributes.Select(n => First(a, n)).FirstOrDefault(v => v is not null),
            a.Attributes,
            new SamlSessionData(a.NameId, a.NameIdFormat, a.SessionIndex).ToJson());
    }

    private static string? First(SamlAssertion a, string name) =>
        a.Attributes.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[0]) ? values[0].Trim() : null;
}
