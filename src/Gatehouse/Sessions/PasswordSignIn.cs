using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Sessions;

public enum SignInFailure
{
    None,
    InvalidCredentials,
    LockedOut,
    Disabled,
    SsoUser,
    RateLimited,
    ProviderDisabled,
    DirectoryUnavailable,
    DirectoryAccountProblem,
}

public sealed record PasswordSignInRequest(string? Username, string? Password, string Interface);

public sealed record PasswordSignInResult(User? User, SignInFailure Failure, DateTime? LockoutExpires = null)
{
    public bool Succeeded => Failure == SignInFailure.None;
}

/// <summary>
/// Checks a username and password for the current site — the one path shared by the web form and
/// <c>POST /sessions</c>: per-IP throttling, account lockout, imported-hash upgrade, and an
/// <see cref="SsoEvent"/> for every attempt. It does not create a session.
/// </summary>
public sealed class PasswordSignIn(
    GatehouseDb db, PasswordHashing hashing, AuditLog audit, TimeProvider time, IOptions<GatehouseOptions> options,
    ILogger<PasswordSignIn> logger, IEnumerable<Providers.IDirectoryPasswordCheck> directoryChecks)
{
    public async Task<PasswordSignInResult> HandleAsync(PasswordSignInRequest request, HttpContext http, CancellationToken ct)
    {
        var o = options.Value.SignIn;
        var now = time.GetUtcNow().UtcDateTime;
        var username = (request.Username ?? "").Trim();
        var password = request.Password ?? "";

        // 1. Per-IP throttle across every site: counted from the audit trail, so all nodes agree.
        var ip = http.Connection.RemoteIpAddress?.ToString();
        if (ip is not null)
        {
            var since = now - o.IpWindow;
            var recent = await db.SsoEvents.IgnoreQueryFilters()
                .CountAsync(e => e.Ip == ip && e.CreatedAt > since && (e.EventType == SsoEventTypes.PasswordLogin || e.EventType == SsoEventTypes.LdapLogin) && e.Status == "failure", ct);
            if (recent >= o.AttemptsPerIp)
                return await Fail(null, username, SignInFailure.RateLimited, "rate_limited", request.Interface, http, ct);
        }

        // 2. Find the user of this site (the query filter scopes it).
        var normalized = User.Normalize(username);
        var user = username.Length is > 0 and <= 128
            ? await db.Users.FirstOrDefaultAsync(u => u.UsernameNormalized == normalized, ct)
            : null;
        if (user is null)
        {
            hashing.BurnTime(password); // same cost as a real check: no user enumeration by timing
            return await Fail(null, username, SignInFailure.InvalidCredentials, "unknown_user", request.Interface, http, ct);
        }

        // 3. Lockout is checked before the password so a locked account cannot be guessed further.
        if (user.LockoutExpires is { } until && until > now)
            return await Fail(user, username, SignInFailure.LockedOut, "locked_out", request.Interface, http, ct, until);

        // 4. Verify: the directory of an LDAP/AD provider, our hash, or an imported one that is upgraded on success.
        Providers.SsoStrategy? directory = null;
        if (user.AuthenticationMethod == AuthenticationMethods.Sso)
        {
            directory = await db.SsoStrategies.FirstOrDefaultAsync(s => s.Id == user.SsoStrategyId && s.Protocol == Providers.ProviderKinds.Ldap, ct);
            if (directory is null || directoryChecks.FirstOrDefault() is null)
                return await Fail(user, username, SignInFailure.SsoUser, "sso_user", request.Interface, http, ct);
            if (!directory.Enabled)
                return await Fail(user, username, SignInFailure.ProviderDisabled, "provider_disabled", request.Interface, http, ct);
        }

        var ok = false;
        string? directoryReason = null;
        if (directory is not null)
        {
            // Empty passwords never reach the directory: an LDAP bind with one is an anonymous bind that "succeeds".
            if (password.Length is 0 or > 1024)
                return await Fail(user, username, SignInFailure.InvalidCredentials, "empty_password", request.Interface, http, ct);
            var check = await directoryChecks.First().CheckAsync(directory, user, password, ct);
            if (check.Outcome == Providers.DirectoryCheckOutcome.DirectoryUnavailable)
                return await Fail(user, username, SignInFailure.DirectoryUnavailable, check.Reason, request.Interface, http, ct, detail: check.Detail, provider: directory);
            if (check.Outcome == Providers.DirectoryCheckOutcome.AccountProblem)
                return await Fail(user, username, SignInFailure.DirectoryAccountProblem, check.Reason, request.Interface, http, ct, detail: check.Message, provider: directory);
            ok = check.Outcome == Providers.DirectoryCheckOutcome.Valid;
            if (!ok) directoryReason = check.Reason;
        }
        else if (password.Length is > 0 and <= 1024)
        {
            if (user.AuthenticationMethod == AuthenticationMethods.Password && user.PasswordHash is not null)
            {
                var (match, rehash) = hashing.Verify(user.PasswordHash, password);
                ok = match;
                if (match && rehash) user.PasswordHash = hashing.Hash(password);
            }
            else if (user.AuthenticationMethod == AuthenticationMethods.PasswordWithImportedHash && user.ImportedPasswordHash is not null)
            {
                ok = ImportedPasswordHash.Verify(user.ImportedPasswordHash, password);
                if (ok)
                {
                    user.PasswordHash = hashing.Hash(password);
                    user.ImportedPasswordHash = null;
                    user.AuthenticationMethod = AuthenticationMethods.Password;
                    user.PasswordSetAt = now;
                    SessionsLog.ImportedHashUpgraded(logger, user.Id);
                }
            }
            else hashing.BurnTime(password);
        }
        else hashing.BurnTime(password);

        if (!ok)
        {
            user.FailedLoginCount++;
            DateTime? lockedUntil = null;
            if (user.FailedLoginCount >= o.LockoutTries)
            {
                lockedUntil = user.LockoutExpires = now + o.LockoutPeriod;
                user.FailedLoginCount = 0;
            }
            return await Fail(user, username, lockedUntil is null ? SignInFailure.InvalidCredentials : SignInFailure.LockedOut,
                lockedUntil is null ? directoryReason ?? "invalid_password" : "invalid_password_locked", request.Interface, http, ct, lockedUntil, provider: directory);
        }

        // 5. A disabled account is named only after a correct password, so it is no enumeration oracle.
        if (user.Disabled)
            return await Fail(user, username, SignInFailure.Disabled, "disabled", request.Interface, http, ct);

        user.FailedLoginCount = 0;
        user.LockoutExpires = null;
        user.FirstLoginAt ??= now;
        user.LastLoginAt = now;
        if (request.Interface == "web") user.LastWebLoginAt = now;
        else if (request.Interface == "restapi") user.LastRestapiLoginAt = now;
        else if (request.Interface == "desktop") user.LastDesktopLoginAt = now;
        audit.Add(directory is null ? SsoEventTypes.PasswordLogin : SsoEventTypes.LdapLogin, true, userId: user.Id, username: user.Username,
            @interface: request.Interface, http: http, provider: directory?.Provider, providerLabel: directory?.Label, ssoStrategyId: directory?.Id);
        await db.SaveChangesAsync(ct);
        return new PasswordSignInResult(user, SignInFailure.None);
    }

    private async Task<PasswordSignInResult> Fail(User? user, string username, SignInFailure failure, string reason,
        string @interface, HttpContext http, CancellationToken ct, DateTime? lockout = null, string? detail = null, Providers.SsoStrategy? provider = null)
    {
        audit.Add(provider is null ? SsoEventTypes.PasswordLogin : SsoEventTypes.LdapLogin, false, reason, detail ?? Describe(failure), user?.Id,
            username.Length > 128 ? username[..128] : username, @interface, http, provider?.Provider, provider?.Label, provider?.Id);
        await db.SaveChangesAsync(ct);
        SessionsLog.SignInFailed(logger, reason, user?.Id);
        return new PasswordSignInResult(user, failure, lockout ?? user?.LockoutExpires);
    }

    public static string Describe(SignInFailure failure) => failure switch
    {
        SignInFailure.InvalidCredentials => "Invalid username or password.",
        SignInFailure.LockedOut => "This account is locked after too many failed sign-in attempts. Try again later or ask a site administrator to unlock it.",
        SignInFailure.Disabled => "This account is disabled. Ask a site administrator to enable it.",
        SignInFailure.SsoUser => "This account signs in through single sign-on. Use the \"Sign in with …\" button in a browser, the desktop app, or an API key.",
        SignInFailure.RateLimited => "Too many sign-in attempts from your address. Wait a few minutes and try again.",
        SignInFailure.ProviderDisabled => "Signing in with your directory account is turned off for this site. Ask your site administrator.",
        SignInFailure.DirectoryUnavailable => "Your directory could not be reached to check your password. Try again in a few minutes; if it persists, tell your site administrator.",
        SignInFailure.DirectoryAccountProblem => "Your directory account cannot sign in right now (it may be disabled, locked, or need a new password). Contact your IT help desk.",
        _ => "",
    };
}

public static partial class SessionsLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Sign-in refused: {Reason} (user {UserId})")]
    public static partial void SignInFailed(ILogger logger, string reason, long? userId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Imported password hash upgraded for user {UserId}")]
    public static partial void ImportedHashUpgraded(ILogger logger, long userId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Signed in user {UserId} via {Interface}")]
    public static partial void SignedIn(ILogger logger, long userId, string @interface);
}
