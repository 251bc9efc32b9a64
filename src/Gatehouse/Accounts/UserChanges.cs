using System.Net.Mail;
using Gatehouse.Api;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Accounts;

/// <summary>
/// Applies the writable Files.com user fields from a request to a (new or existing) user, validating each;
/// nothing is saved here. Shared by create and update so both enforce the same rules.
/// </summary>
public sealed class UserChanges(GatehouseDb db, PasswordHashing hashing, PasswordPolicy policy, TimeProvider time)
{
    public async Task ApplyAsync(User user, ApiInput input, bool creating, CancellationToken ct)
    {
        var username = input.String("username", 128, required: creating);
        if (username is not null)
        {
            username = username.Trim();
            if (username.Length == 0) input.AddError("username", "is required");
            else if (username.Any(c => char.IsControl(c) || c is '/' or '\\' or '<' or '>' or '"'))
                input.AddError("username", "must not contain control characters, slashes, quotes or angle brackets");
            else
            {
                var normalized = User.Normalize(username);
                if (normalized != user.UsernameNormalized
                    && await db.Users.AnyAsync(u => u.UsernameNormalized == normalized && u.Id != user.Id, ct))
                    input.AddError("username", "is already taken on this site");
                user.Username = username;
                user.UsernameNormalized = normalized;
            }
        }

        if (input.String("name", 256) is { } name) user.Name = Blank(name);
        if (input.String("company", 256) is { } company) user.Company = Blank(company);
        if (input.String("email", 256) is { } email)
        {
            email = email.Trim();
            if (email.Length > 0 && !IsEmail(email)) input.AddError("email", "is not a valid email address");
            user.Email = Blank(email);
        }
        if (input.Bool("site_admin") is { } admin) user.SiteAdmin = admin;
        if (input.Bool("disabled") is { } disabled) user.Disabled = disabled;
        if (input.Bool("dav_permission") is { } dav) user.DavPermission = dav;
        if (input.Bool("ftp_permission") is { } ftp) user.FtpPermission = ftp;
        if (input.Bool("sftp_permission") is { } sftp) user.SftpPermission = sftp;
        if (input.Bool("restapi_permission") is { } rest) user.RestapiPermission = rest;

        await ApplyAuthenticationAsync(user, input, creating, ct);
        await ApplyGroupsAsync(user, input, ct);
    }

    private async Task ApplyAuthenticationAsync(User user, ApiInput input, bool creating, CancellationToken ct)
    {
        var method = input.String("authentication_method", 128);
        var strategyId = input.Long("sso_strategy_id");
        var password = input.String("password", 1024, nullAsEmpty: false);
        var imported = input.String("imported_password_hash", 512, nullAsEmpty: false);

        if (method is not null)
        {
            method = method.Trim();
            if (AuthenticationMethods.All.Contains(method)) user.AuthenticationMethod = method;
            else
            {
                // An SSO provider's label is accepted as the method (CONTRACT §2); providers arrive with the SSO issue.
                var resolved = await SsoAssignment.ResolveLabelAsync(db, method, ct);
                if (resolved is null)
                    input.AddError("authentication_method", $"must be one of {string.Join(", ", AuthenticationMethods.All)}, or the name of an enabled SSO provider of this site");
                else { user.AuthenticationMethod = AuthenticationMethods.Sso; strategyId = resolved; }
            }
        }

        if (user.AuthenticationMethod == AuthenticationMethods.Sso)
        {
            var id = strategyId ?? user.SsoStrategyId;
            if (id is null) input.AddError("sso_strategy_id", "is required when the authentication method is sso");
            else if (!await SsoAssignment.ExistsAsync(db, id.Value, ct)) input.AddError("sso_strategy_id", "must be an SSO provider of this site");
            else user.SsoStrategyId = id;
        }
        else
        {
            if (strategyId is not null && input.Has("authentication_method"))
                input.AddError("sso_strategy_id", "can only be set for the sso authentication method");
            else if (strategyId is not null && user.AuthenticationMethod != AuthenticationMethods.Sso)
                input.AddError("sso_strategy_id", "can only be set for the sso authentication method; set authentication_method to sso too");
            user.SsoStrategyId = null;
        }

        if (!string.IsNullOrEmpty(password))
        {
            if (user.AuthenticationMethod is not (AuthenticationMethods.Password or AuthenticationMethods.PasswordWithImportedHash))
                input.AddError("password", "can only be set for the password authentication method");
            else
            {
                foreach (var problem in policy.Check(password, user.Username)) input.AddError("password", problem);
                if (input.IsValid)
                {
                    user.PasswordHash = hashing.Hash(password);
                    user.PasswordSetAt = time.GetUtcNow().UtcDateTime;
                    user.ImportedPasswordHash = null;
                    user.AuthenticationMethod = AuthenticationMethods.Password;
                }
            }
        }

        if (!string.IsNullOrEmpty(imported))
        {
            if (user.AuthenticationMethod != AuthenticationMethods.PasswordWithImportedHash)
                input.AddError("imported_password_hash", "requires authentication_method password_with_imported_hash");
            else if (!ImportedPasswordHash.IsKnownFormat(imported))
                input.AddError("imported_password_hash", "is not a supported hash (bcrypt, pbkdf2_sha256$…, $pbkdf2-sha256$…, or sha256$salt$hex)");
            else { user.ImportedPasswordHash = imported; user.PasswordHash = null; }
        }
        else if (user.AuthenticationMethod == AuthenticationMethods.PasswordWithImportedHash && user.ImportedPasswordHash is null)
            input.AddError("imported_password_hash", "is required for the password_with_imported_hash authentication method");

        if (user.AuthenticationMethod != AuthenticationMethods.PasswordWithImportedHash) user.ImportedPasswordHash = null;
        // Switching away from password drops the stored hash, so an old password cannot come back.
        if (user.AuthenticationMethod is AuthenticationMethods.Sso or AuthenticationMethods.None) user.PasswordHash = null;
    }

    private async Task ApplyGroupsAsync(User user, ApiInput input, CancellationToken ct)
    {
        var groupIds = input.LongList("group_ids");
        if (groupIds is null) return;
        var existing = await db.Groups.Where(g => groupIds.Contains(g.Id)).Select(g => g.Id).ToListAsync(ct);
        var missing = groupIds.Except(existing).ToList();
        if (missing.Count > 0) { input.AddError("group_ids", $"contains unknown groups: {string.Join(", ", missing)}"); return; }
        if (user.Id != 0)
            await db.Entry(user).Collection(u => u.Memberships).LoadAsync(ct);
        user.Memberships.RemoveAll(m => !groupIds.Contains(m.GroupId));
        foreach (var id in groupIds.Where(id => user.Memberships.All(m => m.GroupId != id)))
            user.Memberships.Add(new GroupUser { GroupId = id, User = user });
    }

    private static string? Blank(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public static bool IsEmail(string s) =>
        s.Length <= 256 && s.Count(c => c == '@') == 1 && MailAddress.TryCreate(s, out var a) && a.Address == s && s.Split('@')[1].Contains('.');
}

/// <summary>Where users meet SSO providers: by id (any provider of the site) or by label (an enabled one, case-insensitive).</summary>
public static class SsoAssignment
{
    public static Task<bool> ExistsAsync(GatehouseDb db, long strategyId, CancellationToken ct) =>
        db.SsoStrategies.AnyAsync(s => s.Id == strategyId, ct);

    public static async Task<long?> ResolveLabelAsync(GatehouseDb db, string label, CancellationToken ct)
    {
        var normalized = label.Trim().ToLowerInvariant();
        var ids = await db.SsoStrategies.Where(s => s.LabelNormalized == normalized && s.Enabled).OrderBy(s => s.Id).Select(s => s.Id).Take(2).ToListAsync(ct);
        return ids.Count == 1 ? ids[0] : null;
    }
}
