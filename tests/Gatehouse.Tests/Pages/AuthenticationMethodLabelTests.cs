using Gatehouse.Pages.Admin.Users;

namespace Gatehouse.Tests.Pages;

public sealed class AuthenticationMethodLabelTests
{
    [Theory]
    [InlineData("password", null, "Password")]
    [InlineData("none", null, "None")]
    [InlineData("password_with_imported_hash", null, "Password (imported hash)")]
    [InlineData("sso", 7L, "SSO: Okta staff")]
    [InlineData("sso", 8L, "SSO 8")]
    [InlineData("sso", null, "SSO")]
    public void For_EachMethod_ReadsAsOnTheUsersPage(string method, long? strategyId, string expected)
    {
        var labels = new Dictionary<long, string> { [7] = "Okta staff" };

        var label = AuthenticationMethodLabel.For(method, strategyId, labels);

        Assert.Equal(expected, label);
    }
}
