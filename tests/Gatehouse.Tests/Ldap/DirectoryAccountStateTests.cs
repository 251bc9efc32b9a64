using Gatehouse.Ldap;
using Gatehouse.Providers;

namespace Gatehouse.Tests.Ldap;

/// <summary>Active Directory and OpenLDAP account states (security catalogue L7), and group rules with wildcards.</summary>
public sealed class DirectoryAccountStateTests
{
    private static readonly DateTime Now = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private static LdapEntry Entry(params (string Name, string Value)[] attrs) =>
        new("cn=x", attrs.ToDictionary(a => a.Name, a => new[] { a.Value }, StringComparer.OrdinalIgnoreCase), null);

    [Theory]
    [InlineData("userAccountControl", "514", "ad_account_disabled")]          // NORMAL_ACCOUNT | ACCOUNTDISABLE
    [InlineData("msDS-User-Account-Control-Computed", "16", "ad_account_locked")]
    [InlineData("msDS-User-Account-Control-Computed", "8388608", "ad_password_expired")]
    [InlineData("pwdLastSet", "0", "ad_must_change_password")]
    [InlineData("accountExpires", "133000000000000000", "ad_account_expired")] // 2022-06
    [InlineData("pwdAccountLockedTime", "000001010000Z", "ldap_account_disabled")]
    [InlineData("pwdAccountLockedTime", "20260301110000Z", "ldap_account_locked")]
    [InlineData("nsAccountLock", "TRUE", "ldap_account_disabled")]
    [InlineData("pwdReset", "TRUE", "ldap_must_change_password")]
    [InlineData("shadowExpire", "1", "ldap_account_expired")]
    public void Evaluate_AccountState_IsNamed(string attribute, string value, string reason) =>
        Assert.Equal(reason, DirectoryAccountState.Evaluate(Entry((attribute, value)), Now)?.Reason);

    [Theory]
    [InlineData("userAccountControl", "512")]
    [InlineData("msDS-User-Account-Control-Computed", "0")]
    [InlineData("pwdLastSet", "133000000000000000")]
    [InlineData("accountExpires", "0")]
    [InlineData("accountExpires", "9223372036854775807")]
    [InlineData("shadowExpire", "-1")]
    [InlineData("shadowExpire", "99999")]
    public void Evaluate_HealthyAccount_IsNull(string attribute, string value) =>
        Assert.Null(DirectoryAccountState.Evaluate(Entry((attribute, value)), Now));

    [Theory]
    [InlineData("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563", null)]
    [InlineData("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 525, v4563", null)]
    [InlineData("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 530, v4563", "ad_logon_hours")]
    [InlineData("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 532, v4563", "ad_password_expired")]
    [InlineData("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 533, v4563", "ad_account_disabled")]
    [InlineData("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 701, v4563", "ad_account_expired")]
    [InlineData("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 773, v4563", "ad_must_change_password")]
    [InlineData("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 775, v4563", "ad_account_locked")]
    [InlineData("Invalid credentials", null)]
    public void FromBindError_AdSubCode_IsMappedWithoutUserEnumeration(string message, string? reason) =>
        Assert.Equal(reason, DirectoryAccountState.FromBindError(message)?.Reason);

    private static GroupRules Rules(string? inclusion = null, string? exclusion = null, string? required = null) =>
        new(new SsoStrategy { Provider = "ldap", Protocol = "ldap", Label = "x", LabelNormalized = "x",
            ProvisionGroupInclusion = inclusion, ProvisionGroupExclusion = exclusion, ProvisionGroupRequired = required });

    private static HashSet<string> G(params string[] names) => new(names, StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void GroupRules_InclusionWildcardExclusionAndRequired_Combine()
    {
        var rules = Rules("Eng-*, Sales", "*contractors*", "staff\nvpn-*");

        Assert.True(rules.InScope(G("ENG-backend", "Staff", "vpn-users")));
        Assert.False(rules.InScope(G("eng-backend", "staff")));                         // a required pattern unmatched
        Assert.False(rules.InScope(G("sales", "staff", "vpn-x", "EU-Contractors-2")));  // excluded
        Assert.False(rules.InScope(G("marketing", "staff", "vpn-x")));                  // not included
        Assert.True(Rules().InScope(G()));                                              // no rules: everyone
    }

    [Fact]
    public void GroupRules_RegexMetacharactersInNames_AreLiteral()
    {
        var rules = Rules("R&D (Europe)*");

        Assert.True(rules.InScope(G("R&D (Europe) Berlin")));
        Assert.False(rules.InScope(G("R&D Europe")));
    }
}
