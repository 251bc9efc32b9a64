using Gatehouse.Accounts;
using Gatehouse.Api;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;

namespace Gatehouse.Pages.Admin.Users;

public sealed record MethodOption(string Value, string Label);

/// <summary>What the user form shows: a user's current values, or what was posted when it was refused.</summary>
public sealed class UserFormValues
{
    public string Username { get; init; } = "";
    public string Name { get; init; } = "";
    public string Email { get; init; } = "";
    public string Company { get; init; } = "";
    public bool SiteAdmin { get; init; }
    public bool Disabled { get; init; }
    public string Method { get; init; } = AuthenticationMethods.Password;
    public bool Dav { get; init; }
    public bool Ftp { get; init; }
    public bool Sftp { get; init; }
    public bool Restapi { get; init; } = true;

    public static UserFormValues From(User u) => new()
    {
        Username = u.Username, Name = u.Name ?? "", Email = u.Email ?? "", Company = u.Company ?? "",
        SiteAdmin = u.SiteAdmin, Disabled = u.Disabled, Method = UserForm.MethodValue(u.AuthenticationMethod, u.SsoStrategyId),
        Dav = u.DavPermission, Ftp = u.FtpPermission, Sftp = u.SftpPermission, Restapi = u.RestapiPermission,
    };

    public static UserFormValues From(IFormCollection f) => new()
    {
        Username = f["username"].ToString(), Name = f["name"].ToString(), Email = f["email"].ToString(), Company = f["company"].ToString(),
        SiteAdmin = Checked(f, "site_admin"), Disabled = Checked(f, "disabled"), Method = f["authentication_method"].ToString(),
        Dav = Checked(f, "dav_permission"), Ftp = Checked(f, "ftp_permission"), Sftp = Checked(f, "sftp_permission"), Restapi = Checked(f, "restapi_permission"),
    };

    // A checkbox posts a hidden "false" and, when ticked, "true" after it: the last value wins.
    private static bool Checked(IFormCollection f, string name) => f[name] is { Count: > 0 } v && v[^1] == "true";
}

/// <summary>The model of <c>_UserFields.cshtml</c>, shared by "New user" and the user page.</summary>
public sealed record UserFields(UserFormValues Values, IReadOnlyDictionary<string, List<string>> Errors, IReadOnlyList<MethodOption> Methods, bool Editing)
{
    public FieldError E(string field, string label) => new(Errors, field, label);
    public string? Invalid(string field) => Errors.ContainsKey(field) ? "true" : null;
    public string? Describe(string field) => Errors.ContainsKey(field) ? field + "-error" : null;
}

/// <summary>
/// The admin user form speaks the REST API's field names, so <see cref="UserChanges"/> validates a page
/// post exactly like an API call. The one translation: the method select names a provider as <c>sso:{id}</c>.
/// </summary>
public static class UserForm
{
    public static string MethodValue(string method, long? ssoStrategyId) =>
        method == AuthenticationMethods.Sso && ssoStrategyId is { } id ? $"sso:{id}" : method;

    public static ApiInput ToInput(IFormCollection form)
    {
        var values = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var (k, v) in form)
            if (k is "username" or "name" or "email" or "company" or "site_admin" or "disabled" or "authentication_method" or "password"
                or "dav_permission" or "ftp_permission" or "sftp_permission" or "restapi_permission")
                values[k] = v;
        var method = form["authentication_method"].ToString();
        if (method.StartsWith("sso:", StringComparison.Ordinal))
        {
            values["authentication_method"] = AuthenticationMethods.Sso;
            values["sso_strategy_id"] = method[4..];
        }
        return ApiInput.FromForm(new FormCollection(values));
    }

    /// <summary>
    /// Password and None always; the imported-hash method only for a user who already has it (a hash is
    /// imported through the API or CSV, never typed); and every SSO provider of the site.
    /// </summary>
    public static async Task<List<MethodOption>> MethodsAsync(GatehouseDb db, string? currentMethod, CancellationToken ct)
    {
        var options = new List<MethodOption> { new(AuthenticationMethods.Password, "Password"), new(AuthenticationMethods.None, "None") };
        if (currentMethod == AuthenticationMethods.PasswordWithImportedHash)
            options.Add(new(AuthenticationMethods.PasswordWithImportedHash, "Password (imported hash)"));
        var providers = await db.SsoStrategies.AsNoTracking().OrderBy(s => s.SortOrder).ThenBy(s => s.Id)
            .Select(s => new { s.Id, s.Label, s.Enabled }).ToListAsync(ct);
        options.AddRange(providers.Select(p => new MethodOption($"sso:{p.Id}", $"SSO: {p.Label}" + (p.Enabled ? "" : " (disabled)"))));
        return options;
    }

    /// <summary>A form rule on top of the API's: choosing Password needs a password, or the user could never sign in.</summary>
    public static void RequirePasswordForNewPasswordMethod(User user, string? previousMethod, IFormCollection form, ApiInput input)
    {
        if (user.AuthenticationMethod == AuthenticationMethods.Password && user.PasswordHash is null
            && previousMethod != AuthenticationMethods.Password && string.IsNullOrEmpty(form["password"]))
            input.AddError("password", "is required for the Password authentication method");
    }
}
