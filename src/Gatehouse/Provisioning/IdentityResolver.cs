using System.Text.Json;
using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Providers;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Provisioning;

/// <summary>An IdP's immutable key for a person: SCIM <c>externalId</c>, or a sign-in link's (issuer, subject).</summary>
public abstract record ImmutableKey
{
    public sealed record ScimExternalId(string Value) : ImmutableKey;
    public sealed record SignInSubject(string Issuer, string Subject) : ImmutableKey;
}

public enum IdentityMatchKind { None, ByKey, ByUsername, Ambiguous }

/// <summary>
/// The outcome: one user (and how it was found), none, or two different candidates. <see cref="NameHolder"/> is
/// whoever holds the username on the site (any method, any provider), so a caller about to create a user knows the
/// name is taken without a second query.
/// </summary>
public sealed record IdentityMatch(IdentityMatchKind Kind, User? User, User? Other = null)
{
    public User? NameHolder { get; init; }

    public static readonly IdentityMatch None = new(IdentityMatchKind.None, null);
}

/// <summary>
/// The one way SCIM, JIT, SAML/OIDC sign-in, directory sync and bulk import (through <see cref="Classify"/>) find an existing user for an identity (peers.md pain points 16–18): the immutable
/// key first, then the username — and only among the users assigned to this provider, so neither a password
/// user nor another provider's user is ever taken over. When the key and the username point at two different
/// users the match is refused and an <c>sso_event</c> names both, instead of silently picking one or creating a
/// duplicate.
/// </summary>
public sealed class IdentityResolver(GatehouseDb db, AuditLog audit)
{
    public async Task<IdentityMatch> ResolveAsync(SsoStrategy s, ImmutableKey? key, string? username, string @interface, HttpContext? http, CancellationToken ct)
    {
        // This provider's user holding the key, and whoever holds the username on the site (usernames are unique per
        // site; the holder counts as a candidate only when it is this provider's), read in one round trip: a UNION ALL
        // of two indexed lookups, each row tagged with the branch that found it.
        IQueryable<User>? byKeyQuery = key switch
        {
            ImmutableKey.ScimExternalId e =>
                from p in db.Set<ScimUserProfile>()
                where p.SsoStrategyId == s.Id && p.ExternalId == e.Value
                join u in db.Users on p.UserId equals u.Id
                where u.SsoStrategyId == s.Id
                select u,
            ImmutableKey.SignInSubject l =>
                from link in db.SsoIdentityLinks
                where link.SsoStrategyId == s.Id && link.Issuer == l.Issuer && link.Subject == l.Subject
                join u in db.Users on link.UserId equals u.Id
                where u.SsoStrategyId == s.Id
                select u,
            _ => null,
        };
        var normalized = string.IsNullOrWhiteSpace(username) ? null : User.Normalize(username);
        var byNameQuery = normalized is null ? null : db.Users.Where(u => u.UsernameNormalized == normalized);

        var tagged = (byKeyQuery, byNameQuery) switch
        {
            ({ } k, { } n) => k.Select(u => new { User = u, ByKey = true }).Concat(n.Select(u => new { User = u, ByKey = false })),
            ({ } k, null) => k.Select(u => new { User = u, ByKey = true }),
            (null, { } n) => n.Select(u => new { User = u, ByKey = false }),
            _ => null,
        };
        var rows = tagged is null ? null : await tagged.ToListAsync(ct);
        var byKey = rows?.FirstOrDefault(r => r.ByKey)?.User;
        var holder = rows?.FirstOrDefault(r => !r.ByKey)?.User;
        var byName = holder is { AuthenticationMethod: AuthenticationMethods.Sso } && holder.SsoStrategyId == s.Id ? holder : null;

        var match = Decide(s, byKey, byName, key switch { ImmutableKey.ScimExternalId e => e.Value, ImmutableKey.SignInSubject l => l.Subject, _ => null },
            username, @interface, http);
        return match with { NameHolder = holder };
    }

    /// <summary>
    /// The rule itself, for callers that look candidates up in bulk (directory sync reads the whole provider at
    /// once): <paramref name="byKey"/> and <paramref name="byName"/> must already be limited to this provider's users.
    /// An ambiguous outcome adds the <c>sso_event</c>; the caller saves it.
    /// </summary>
    public IdentityMatch Decide(SsoStrategy s, User? byKey, User? byName, string? keyValue, string? username, string @interface, HttpContext? http)
    {
        var kind = Classify(byKey?.Id, byName?.Id);
        if (kind == IdentityMatchKind.Ambiguous && byKey is not null && byName is not null)
        {
            // Entra renamed a user to a name another of our users holds, or two directories share a namespace.
            audit.Add(SsoEventTypes.ProviderChange, false, "ambiguous_identity",
                $"{s.Label}: the identity matches two users — \"{byKey.Username}\" (id {byKey.Id}) by its immutable key and \"{byName.Username}\" (id {byName.Id}) by username. Nothing was changed; resolve it by renaming or removing one of them.",
                byKey.Id, username, @interface, http, s.Provider, s.Label, s.Id,
                body: JsonSerializer.Serialize(new { key_user_id = byKey.Id, key_username = byKey.Username, username_user_id = byName.Id, username_username = byName.Username }),
                idpUid: keyValue);
            return new IdentityMatch(IdentityMatchKind.Ambiguous, byKey, byName);
        }
        return kind switch
        {
            IdentityMatchKind.ByKey => new IdentityMatch(kind, byKey),
            IdentityMatchKind.ByUsername => new IdentityMatch(kind, byName),
            _ => IdentityMatch.None,
        };
    }

    /// <summary>
    /// The rule on candidate ids alone, for callers that hold their own index of keys and names (bulk import checks a
    /// whole file against a snapshot): the key wins, the username counts when the key finds no one, and two different
    /// users are ambiguous.
    /// </summary>
    public static IdentityMatchKind Classify(long? byKeyUserId, long? byNameUserId) => (byKeyUserId, byNameUserId) switch
    {
        ({ } k, { } n) when k != n => IdentityMatchKind.Ambiguous,
        ({ }, _) => IdentityMatchKind.ByKey,
        (null, { }) => IdentityMatchKind.ByUsername,
        _ => IdentityMatchKind.None,
    };
}
