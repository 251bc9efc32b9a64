using System.DirectoryServices.Protocols;
using System.Text.RegularExpressions;
using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Ldap;

/// <summary>
/// The live password check of LDAP and Active Directory users (web form, <c>POST /sessions</c>, later FTP/SFTP/WebDAV):
/// guard → settings → connect (failover, TLS) → find the entry as the service account (by immutable key, else by
/// username, exactly one) → bind as that entry's DN on a connection that is then closed → read the account state
/// → link the immutable key to the user. A directory that is down is "unavailable", never "wrong password".
/// </summary>
public sealed partial class LdapPasswordCheck(
    GatehouseDb db, LdapConnector connector, ProviderSecrets secrets, LdapConcurrency gates, TimeProvider time, ILogger<LdapPasswordCheck> logger)
    : IDirectoryPasswordCheck
{
    private const string GenericInvalid = "Invalid username or password.";

    public async Task<DirectoryCheckResult> CheckAsync(SsoStrategy strategy, User user, string password, CancellationToken ct)
    {
        // 1. Empty, blank or NUL-carrying passwords never reach the directory: a simple bind with an empty password is an
        //    unauthenticated bind that "succeeds" (RFC 4513 §5.1.2, security catalogue L1). PasswordSignIn checks too.
        if (string.IsNullOrWhiteSpace(password) || password.Contains('\0') || password.Length > 1024)
            return Done(strategy, Invalid("empty_password"));
        if (string.IsNullOrWhiteSpace(user.Username) || user.Username.Contains('\0'))
            return Done(strategy, Invalid("empty_username"));

        // 2. The provider's settings.
        var settings = LdapSettings.From(strategy, secrets, out var problem);
        if (settings is null) return Done(strategy, Unavailable("not_configured", problem!));
        if (!AttributeName().IsMatch(settings.UsernameField)) return Done(strategy, Unavailable("not_configured", "ldap_username_field is not an attribute name."));

        // 3. The immutable key we already know for this user, if any: renames in the directory do not matter then.
        var issuer = LdapSettings.LinkIssuer(strategy.Id);
        var link = await db.SsoIdentityLinks.FirstOrDefaultAsync(l => l.SsoStrategyId == strategy.Id && l.UserId == user.Id && l.Issuer == issuer, ct);

        // 4. Off the request thread, under the site's concurrency cap and one overall deadline (L6).
        var o = connector.Options;
        using var gate = await gates.EnterSiteAsync(strategy.SiteId, o.ConnectTimeout, ct);
        if (gate is null) return Done(strategy, Unavailable("directory_busy", "Too many directory checks of this site are running at once."));
        Verified verified;
        try
        {
            verified = await Task.Run(() => Verify(settings, user.Username, password, link?.Subject, ct), ct).WaitAsync(o.CheckDeadline, ct);
        }
        catch (TimeoutException)
        {
            return Done(strategy, Unavailable("timeout", $"The directory did not answer within {o.CheckDeadline.TotalSeconds:0} seconds."));
        }

        // 5. Remember the immutable key (objectGUID / entryUUID) so a rename never makes a second account.
        if (verified.Result.Outcome == DirectoryCheckOutcome.Valid && verified.Key is { } key)
        {
            var holder = await db.SsoIdentityLinks.FirstOrDefaultAsync(l => l.SsoStrategyId == strategy.Id && l.Issuer == issuer && l.Subject == key, ct);
            if (holder is not null && holder.UserId != user.Id)
                return Done(strategy, new(DirectoryCheckOutcome.AccountProblem, "directory_entry_linked_elsewhere",
                    "Your directory account belongs to another user of this site. Ask your site administrator.",
                    $"Directory entry {verified.Dn} is linked to user {holder.UserId}, not {user.Id}."));
            var now = time.GetUtcNow().UtcDateTime;
            if (link is null) db.SsoIdentityLinks.Add(new SsoIdentityLink { UserId = user.Id, SsoStrategyId = strategy.Id, Issuer = issuer, Subject = key, CreatedAt = now, LastUsedAt = now });
            else { link.Subject = key; link.LastUsedAt = now; }
        }
        return Done(strategy, verified.Result);
    }

    private sealed record Verified(DirectoryCheckResult Result, string? Key = null, string? Dn = null);

    /// <summary>The blocking conversation with the directory; every connection is closed when it returns.</summary>
    private Verified Verify(LdapSettings s, string username, string password, string? knownKey, CancellationToken ct)
    {
        var (connection, host, failure) = connector.Open(s, ct);
        if (connection is null) return new(Unavailable(failure!.Reason, failure.Message));
        using var c = connection;
        try
        {
            LdapEntry? entry = null;
            string bindName;
            if (s.HasServiceAccount)
            {
                // a. Search as the service account: by key, else by the escaped username; exactly one entry (L2).
                try { LdapConnector.Bind(c, s.ServiceUsername!, s.ServicePassword!); }
                catch (LdapException e) when (e.ErrorCode == 49)
                {
                    return new(Unavailable("service_bind_failed", $"The directory refused the service account (ldap_username) on {host}: check ldap_username and ldap_password."));
                }
                var found = FindUser(c, s, username, knownKey);
                if (found.Count == 0) return new(Invalid("directory_user_not_found"));
                if (found.Count > 1) return new(Invalid("directory_user_ambiguous"));
                entry = found[0];
                bindName = entry.Dn;
            }
            else bindName = DirectBindName(s, username);

            // b. Bind as the user. This connection is closed right after: it never serves a later search (L10).
            try { LdapConnector.Bind(c, bindName, password); }
            catch (LdapException e) when (e.ErrorCode == 49)
            {
                return DirectoryAccountState.FromBindError(e.ServerErrorMessage) is { } p
                    ? new(Problem(p))
                    : new(Invalid("invalid_password"));
            }
            catch (DirectoryOperationException e)
            {
                return new(Invalid("bind_refused", $"The directory refused the bind: {e.Response?.ResultCode}"));
            }

            // c. Direct bind (no service account): read the entry as the user, for its key and state.
            if (entry is null)
            {
                var own = FindUser(c, s, username, knownKey);
                entry = own.Count == 1 ? own[0] : null;
            }

            // d. States the bind itself may not have refused (OpenLDAP without ppolicy, shadowExpire, AD attributes).
            if (entry is not null && DirectoryAccountState.Evaluate(entry, time.GetUtcNow().UtcDateTime) is { } state)
                return new(Problem(state));
            return new(new DirectoryCheckResult(DirectoryCheckOutcome.Valid, "ok", "Signed in."), entry?.Key(s.ActiveDirectory), entry?.Dn);
        }
        catch (LdapException e)
        {
            return new(Unavailable(e.ErrorCode == 85 ? "timeout" : "directory_error", $"The directory on {host} failed during the check: {e.Message}"));
        }
        catch (DirectoryOperationException e)
        {
            return new(Unavailable("directory_error", $"The directory on {host} answered {e.Response?.ResultCode}: {e.Response?.ErrorMessage ?? e.Message}"));
        }
    }

    /// <summary>The user's entry: by immutable key when known (then a rename is irrelevant), else by username.</summary>
    public static List<LdapEntry> FindUser(LdapConnection c, LdapSettings s, string username, string? knownKey)
    {
        string[] attributes = [s.UsernameField, s.KeyAttribute, "cn", "displayName", "mail", .. DirectoryAccountState.Attributes];
        if (knownKey is not null)
        {
            var byKey = Search(c, s, $"(&{s.UserObjectFilter}{LdapEntry.KeyFilter(s.ActiveDirectory, knownKey)})", attributes);
            if (byKey.Count > 0) return byKey;
        }
        return Search(c, s, $"(&{s.UserObjectFilter}({s.UsernameField}={LdapEscaping.FilterValue(s.DirectoryUsername(username))}))", attributes);
    }

    private static readonly LdapEntry Ambiguous = new("", new Dictionary<string, string[]>(), null);

    private static List<LdapEntry> Search(LdapConnection c, LdapSettings s, string filter, string[] attributes)
    {
        var request = new SearchRequest(s.BaseDn, filter, SearchScope.Subtree, attributes) { SizeLimit = 2, TimeLimit = c.Timeout };
        try
        {
            var response = (SearchResponse)c.SendRequest(request);
            return response.Entries.Cast<SearchResultEntry>().Select(LdapEntry.From).ToList();
        }
        catch (DirectoryOperationException e) when (e.Response is SearchResponse { ResultCode: ResultCode.SizeLimitExceeded } partial)
        {
            return partial.Entries.Count >= 2 ? partial.Entries.Cast<SearchResultEntry>().Select(LdapEntry.From).ToList() : [Ambiguous, Ambiguous];
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode is ResultCode.NoSuchObject or ResultCode.Referral)
        {
            return []; // base DN missing, or the entry lives elsewhere: referrals are not chased (L5)
        }
    }

    /// <summary>
    /// Without a service account: AD binds with a UPN (<c>user@domain</c>) or a down-level name (<c>DOMAIN\user</c>);
    /// other directories with a DN built from the escaped username (RFC 4514 §2.4, security catalogue L3).
    /// </summary>
    public static string DirectBindName(LdapSettings s, string username)
    {
        if (s.ActiveDirectory)
        {
            if (username.Contains('@') || s.Domain is null) return username;
            return s.Domain.Contains('.') ? $"{username}@{s.Domain}" : $"{s.Domain}\\{username}";
        }
        return $"{s.UsernameField}={LdapEscaping.DnValue(s.DirectoryUsername(username))},{s.BaseDn}";
    }

    private DirectoryCheckResult Done(SsoStrategy s, DirectoryCheckResult r)
    {
        LdapLog.Checked(logger, s.Id, r.Outcome.ToString(), r.Reason);
        return r;
    }

    private static DirectoryCheckResult Invalid(string reason, string? detail = null) =>
        new(DirectoryCheckOutcome.InvalidCredentials, reason, GenericInvalid, detail);

    private static DirectoryCheckResult Unavailable(string reason, string detail) =>
        new(DirectoryCheckOutcome.DirectoryUnavailable, reason, "Your directory could not be reached to check your password. Try again in a few minutes.", detail);

    private static DirectoryCheckResult Problem(AccountProblem p) =>
        new(DirectoryCheckOutcome.AccountProblem, p.Reason, p.Message);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]{0,63}$")]
    private static partial Regex AttributeName();
}
