using Gatehouse.Ldap;

namespace Gatehouse.Tests.Ldap;

/// <summary>RFC 4515 §3 (filter values) and RFC 4514 §2.4 (DN values) vectors, and the DN comparisons sync relies on.</summary>
public sealed class LdapEscapingTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("*", "\\2a")]
    [InlineData(")(uid=*", "\\29\\28uid=\\2a")]
    [InlineData("admin)(|(uid=*", "admin\\29\\28|\\28uid=\\2a")]
    [InlineData("a\\b", "a\\5cb")]
    [InlineData("\\2a", "\\5c2a")]
    [InlineData("nul\0", "nul\\00")]
    [InlineData("zoë", "zo\\c3\\ab")]
    public void FilterValue_Metacharacters_AreHexEscaped(string value, string expected) =>
        Assert.Equal(expected, LdapEscaping.FilterValue(value));

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("admin,OU=Admins", "admin\\,OU=Admins")]
    [InlineData("a+uid=x", "a\\+uid=x")]
    [InlineData("#alice", "\\#alice")]
    [InlineData(" alice ", "\\ alice\\ ")]
    [InlineData("q\"<x>;\\", "q\\\"\\<x\\>\\;\\\\")]
    [InlineData("nul\0", "nul\\00")]
    public void DnValue_SpecialCharacters_AreEscaped(string value, string expected) =>
        Assert.Equal(expected, LdapEscaping.DnValue(value));

    [Fact]
    public void FilterBytes_Guid_EscapesEveryByte() =>
        Assert.Equal("\\01\\ff\\00", LdapEscaping.FilterBytes([0x01, 0xff, 0x00]));

    [Theory]
    [InlineData("cn=Zoë Müller\\2C Sales (EU) *\\2B\\3C\\3E\\3B\\22Q\\22\\5C,ou=people,dc=example,dc=org",
                "CN=Zo\\C3\\AB M\\C3\\BCller\\, Sales (EU) *\\+\\<\\>\\;\\\"Q\\\"\\\\, OU=People,DC=example,DC=org")]
    [InlineData("cn=backend,ou=groups,dc=example,dc=org", "CN=Backend, OU=Groups, DC=Example, DC=Org")]
    public void NormalizeDn_DifferentSpellingsOfOneDn_AreEqual(string a, string b) =>
        Assert.Equal(LdapEscaping.NormalizeDn(a), LdapEscaping.NormalizeDn(b));

    [Fact]
    public void NormalizeDn_DifferentDns_Differ() =>
        Assert.NotEqual(LdapEscaping.NormalizeDn("cn=a\\,b,dc=x"), LdapEscaping.NormalizeDn("cn=a,cn=b,dc=x"));

    [Theory]
    [InlineData("cn=R&D (Europe)*,ou=groups,dc=example,dc=org", "R&D (Europe)*")]
    [InlineData("cn=Smith\\2C John,ou=x", "Smith, John")]
    [InlineData("CN=Domain Admins,CN=Users,DC=corp", "Domain Admins")]
    public void FirstRdnValue_ReturnsTheUnescapedName(string dn, string expected) =>
        Assert.Equal(expected, LdapEscaping.FirstRdnValue(dn));
}
