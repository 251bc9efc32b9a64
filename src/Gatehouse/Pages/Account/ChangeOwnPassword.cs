using Gatehouse.Accounts;
using Gatehouse.Api;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.Extensions.Primitives;

namespace Gatehouse.Pages.Account;

public sealed record ChangeOwnPasswordRequest(string? CurrentPassword, string? NewPassword, string? ConfirmPassword);

/// <summary>
/// A signed-in user changes their own password: the current one proves it is them (a borrowed, unlocked
/// browser is not enough), the new one passes the policy, and every other session of theirs ends.
/// </summary>
public sealed class ChangeOwnPassword(GatehouseDb db, PasswordHashing hashing, UserChanges changes, SessionService sessions, AuditLog audit)
{
    public static bool HasPassword(User u) =>
        u.AuthenticationMethod is AuthenticationMethods.Password or AuthenticationMethods.PasswordWithImportedHash;

    /// <returns>The problems by field; empty when the password was changed.</returns>
    public async Task<Dictionary<string, List<string>>> HandleAsync(User user, ChangeOwnPasswordRequest request, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!HasPassword(user))
        {
            errors["current_password"] = ["cannot be changed here: your account does not sign in with a password"];
            return errors;
        }
        if (string.IsNullOrEmpty(request.CurrentPassword) || request.CurrentPassword.Length > 1024 || !Verify(user, request.CurrentPassword))
            errors["current_password"] = ["is not correct"];
        if (string.IsNullOrEmpty(request.NewPassword)) errors["new_password"] = ["is required"];
        else if (request.NewPassword != request.ConfirmPassword) errors["confirm_password"] = ["does not match the new password"];
        if (errors.Count > 0) return errors;

        // The API's rules (policy, hashing, imported hash replaced) through the same UserChanges.
        var input = ApiInput.FromForm(new FormCollection(new Dictionary<string, StringValues> { ["password"] = request.NewPassword }));
        await changes.ApplyAsync(user, input, creating: false, ct);
        if (!input.IsValid)
        {
            errors["new_password"] = input.Errors.GetValueOrDefault("password") ?? ["is not allowed"];
            return errors;
        }
        audit.Add(SsoEventTypes.AccountChange, true, "password_changed", "Password changed by the user", user.Id, user.Username, "web", http);
        await db.SaveChangesAsync(ct);
        var current = http.User.SessionId();
        await sessions.RevokeAsync(db.Sessions.Where(s => s.UserId == user.Id && s.Id != current), "password_changed", ct);
        return errors;
    }

    private bool Verify(User user, string password) => user.AuthenticationMethod == AuthenticationMethods.Password
        ? user.PasswordHash is { } h && hashing.Verify(h, password).Ok
        : user.ImportedPasswordHash is { } i && ImportedPasswordHash.Verify(i, password);
}
