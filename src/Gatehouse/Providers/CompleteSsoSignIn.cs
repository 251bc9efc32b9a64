using Gatehouse.Accounts;
using Gatehouse.Audit;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Providers;

/// <summary>
/// Who the IdP vouched for, after the protocol handler has validated the response or token.
/// <paramref name="Issuer"/> + <paramref name="Subject"/> is the immutable key (persistent NameID, <c>sub</c>);
/// <paramref name="Username"/> is the value of the provider's identity attribute, matched against usernames.
/// </summary>
public sealed record ExternalIdentity(
    string Issuer, string Subject, string? Username, string? Email = null, string? Name = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Attributes = null, string? LogoutData = null);

/// <param name="LogoutData">Protocol data the session keeps for single logout (SAML NameID + SessionIndex).</param>
public sealed record PendingAuthorization(long UserId, long StrategyId, string Issuer, string Subject, string Username, string? ReturnTo,
    string? LogoutData = null);

/// <summary>
/// The end of every SSO sign-in, whatever the protocol: find the user among this provider's users only
/// (link first, then username, through the shared <see cref="Provisioning.IdentityResolver"/>), refuse clearly (disabled, other method, unknown), ask once to "Authorize" the
/// link, then start the session. Every outcome is an <see cref="SsoEvent"/>.
/// </summary>
public sealed class CompleteSsoSignIn(GatehouseDb db, SsoFlows flows, WebSignIn webSignIn, AuditLog audit, TimeProvider time,
    Provisioning.JitProvisioning jit, Provisioning.IdentityResolver resolver)
{
    public const string AuthorizeKind = "authorize";
    public const string PendingCookie = "gh_sso_authorize";
    /// <summary>Flow kind keyed by the session token: the provider and the data its logout needs.</summary>
    public const string SessionKind = "sso_session";

    public async Task<IResult> HandleAsync(HttpContext http, SsoStrategy s, ExternalIdentity identity, string? returnTo, CancellationToken ct)
    {
        // 1. The provider must still be enabled (it may have been disabled mid-flow).
        if (!s.Enabled) return await Refuse(http, s, identity, "provider_disabled", $"Signing in with {s.Label} is turned off for this site.", null, ct);

        // 2. A stored link to someone who left this provider is refused, not re-matched by username.
        var link = await db.SsoIdentityLinks.FirstOrDefaultAsync(l => l.SsoStrategyId == s.Id && l.Issuer == identity.Issuer && l.Subject == identity.Subject, ct);
        if (link is not null)
        {
            var linked = await db.Users.FirstOrDefaultAsync(u => u.Id == link.UserId, ct);
            if (linked is null || linked.AuthenticationMethod != AuthenticationMethods.Sso || linked.SsoStrategyId != s.Id)
                return await Refuse(http, s, identity, "user_not_assigned",
                    $"Your account no longer signs in with {s.Label}. Ask your site administrator which sign-in method to use.", linked, ct);
        }
        var username = identity.Username?.Trim();
        if (link is null && string.IsNullOrEmpty(username))
            return await Refuse(http, s, identity, "identity_missing", $"{s.Label} did not send the attribute that names your account. Ask your site administrator to check the provider's settings.", null, ct);

        // 3. The shared resolver (issue 7 item 6): the link (issuer + persistent NameID / sub) first, then the username,
        //    among the users assigned to this provider only — never a password user or another provider's. A link
        //    and a username naming two different users is refused, never guessed.
        var match = await resolver.ResolveAsync(s, new Provisioning.ImmutableKey.SignInSubject(identity.Issuer, identity.Subject), username, "web", http, ct);
        if (match.Kind == Provisioning.IdentityMatchKind.Ambiguous)
            return await Refuse(http, s, identity, "ambiguous_identity",
                $"Your {s.Label} account matches two accounts on this site. Ask your site administrator to resolve it.", null, ct);
        var user = match.User;
        if (user is null)
        {
            // JIT (issue 7): with provision_users on, an unknown person is created from the identity's attributes.
            user = await jit.TryProvisionAsync(http, s, identity, ct);
            if (user is null)
            {
                var elsewhere = match.NameHolder is not null;
                return await Refuse(http, s, identity, elsewhere ? "user_not_assigned" : "unknown_user",
                    elsewhere ? $"The account {username} does not sign in with {s.Label}. Use the sign-in method your site administrator gave you."
                              : $"There is no account for {username} on this site. Ask your site administrator to add you.", null, ct);
            }
        }

        // 4. A disabled account is named as such.
        if (user.Disabled)
        {
            if (await db.Set<Provisioning.ScimUserProfile>().AnyAsync(p => p.UserId == user.Id && p.SsoStrategyId == s.Id && p.HeldForGroups, ct))
                return await Refuse(http, s, identity, "required_group_missing",
                    $"Your account is not yet in a group this site requires for {s.Label}. Ask your administrator to add you to one in your identity provider.", user, ct);
            return await Refuse(http, s, identity, "user_disabled", "Your account is disabled. Ask your site administrator to enable it.", user, ct);
        }

        // 5. First time: the user authorizes connecting this provider account (CONTRACT §3).
        if (link is null)
        {
            var handle = await flows.StartAsync(AuthorizeKind, s.Id,
                new PendingAuthorization(user.Id, s.Id, identity.Issuer, identity.Subject, user.Username, returnTo, identity.LogoutData), TimeSpan.FromMinutes(10), ct);
            http.Response.Cookies.Append(PendingCookie, handle, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/sso/authorize", MaxAge = TimeSpan.FromMinutes(10),
                Secure = http.Request.IsHttps,
            });
            return Results.Redirect("/sso/authorize");
        }

        // 6. Known link: sign in.
        link.LastUsedAt = time.GetUtcNow().UtcDateTime;
        return await SignInAsync(http, s, user, identity.Subject, returnTo, ct, identity.LogoutData);
    }

    /// <summary>The user clicked "Authorize": store the link and sign in.</summary>
    public async Task<IResult> AuthorizeAsync(HttpContext http, string? handle, CancellationToken ct)
    {
        var pending = await flows.ConsumeAsync<PendingAuthorization>(AuthorizeKind, handle, ct);
        http.Response.Cookies.Delete(PendingCookie, new CookieOptions { Path = "/sso/authorize" });
        if (pending is null) return SsoSignInEndpoints.Page(400, "Sign-in expired", "This sign-in request has expired or was already used. Please sign in again.");
        var p = pending.Value.Data;
        var s = await db.SsoStrategies.FirstOrDefaultAsync(x => x.Id == p.StrategyId, ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == p.UserId, ct);
        if (s is null || !s.Enabled || user is null || user.Disabled || user.SsoStrategyId != s.Id)
            return SsoSignInEndpoints.Page(403, "Sign-in refused", "Your account or this provider changed during sign-in. Please sign in again.");
        var now = time.GetUtcNow().UtcDateTime;
        db.SsoIdentityLinks.Add(new SsoIdentityLink { UserId = user.Id, SsoStrategyId = s.Id, Issuer = p.Issuer, Subject = p.Subject, CreatedAt = now, LastUsedAt = now });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // The same IdP account was linked meanwhile (double click, second tab): the existing link stands.
            db.ChangeTracker.Clear();
            user = await db.Users.FirstAsync(u => u.Id == p.UserId, ct);
            s = await db.SsoStrategies.FirstAsync(x => x.Id == p.StrategyId, ct);
        }
        return await SignInAsync(http, s, user, p.Subject, p.ReturnTo, ct, p.LogoutData);
    }

    private async Task<IResult> SignInAsync(HttpContext http, SsoStrategy s, User user, string subject, string? returnTo, CancellationToken ct,
        string? logoutData = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        user.FirstLoginAt ??= now;
        user.LastLoginAt = now;
        user.LastWebLoginAt = now;
        audit.Add(SsoEventTypes.SsoLogin, true, null, $"Signed in with {s.Label}", user.Id, user.Username, "web", http, s.Provider, s.Label, s.Id, idpUid: subject);
        await db.SaveChangesAsync(ct);
        var (token, expiresAt) = await webSignIn.StartAsync(http, user, "web", ct);
        if (logoutData is not null) await flows.StartWithHandleAsync(SessionKind, s.Id, token, logoutData, expiresAt, ct);
        return Results.Redirect(Pages.SafeReturnPath.Or(returnTo));
    }

    private async Task<IResult> Refuse(HttpContext http, SsoStrategy s, ExternalIdentity identity, string reason, string message, User? user, CancellationToken ct)
    {
        var e = audit.Add(SsoEventTypes.SsoLogin, false, reason, message, user?.Id, identity.Username ?? user?.Username, "web", http,
            s.Provider, s.Label, s.Id, idpUid: identity.Subject);
        await db.SaveChangesAsync(ct);
        return SsoSignInEndpoints.Page(403, "Sign-in refused", $"{message} (Reference: {e.Id})");
    }
}
