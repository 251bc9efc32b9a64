using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.Users;

/// <summary>
/// The one place that names a user's way of signing in on the pages ("Password", "None",
/// "Password (imported hash)", "SSO: {provider label}").
/// </summary>
public static class AuthenticationMethodLabel
{
    public static string For(string method, long? ssoStrategyId, IReadOnlyDictionary<long, string>? providerLabels = null) => method switch
    {
        AuthenticationMethods.Password => "Password",
        AuthenticationMethods.None => "None",
        AuthenticationMethods.PasswordWithImportedHash => "Password (imported hash)",
        AuthenticationMethods.Sso when ssoStrategyId is { } id && providerLabels is not null && providerLabels.TryGetValue(id, out var label) => $"SSO: {label}",
        AuthenticationMethods.Sso when ssoStrategyId is { } id => $"SSO {id}",
        AuthenticationMethods.Sso => "SSO",
        _ => method,
    };

    /// <summary>The site's provider labels by id (a site has a handful), for <see cref="For"/>.</summary>
    public static Task<Dictionary<long, string>> ProviderLabelsAsync(GatehouseDb db, CancellationToken ct) =>
        db.SsoStrategies.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Label, ct);
}
