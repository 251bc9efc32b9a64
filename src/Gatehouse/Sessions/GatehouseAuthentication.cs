using System.Security.Claims;
using System.Text.Encodings.Web;
using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Sessions;

/// <summary>
/// One authentication scheme for the three credentials a request may carry, tried in this order:
/// <c>X-FilesAPI-Key</c> (API key), <c>X-FilesAPI-Auth</c> (API session), the web session cookie.
/// Everything is looked up on the current site only (the DbContext's filter), so another site's key is unknown here.
/// </summary>
public sealed class GatehouseAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    GatehouseDb db, SessionService sessions, SessionCookie cookie, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public new const string Scheme = "Gatehouse";
    public const string CredentialClaim = "gh:credential";
    public const string SessionClaim = "gh:session";
    public const string SiteAdminClaim = "gh:site_admin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var ct = Context.RequestAborted;
        if (Request.Headers.TryGetValue("X-FilesAPI-Key", out var keyHeader))
        {
            var key = keyHeader.ToString();
            if (key.Length is 0 or > 128) return AuthenticateResult.Fail("Invalid API key.");
            var hash = SessionTokens.Hash(key);
            var now = time.GetUtcNow().UtcDateTime;
            var apiKey = await db.ApiKeys.Include(k => k.User).FirstOrDefaultAsync(k => k.KeyHash == hash, ct);
            if (apiKey is null || apiKey.User.Disabled || apiKey.ExpiresAt is { } exp && exp <= now)
                return AuthenticateResult.Fail("Invalid API key.");
            if (apiKey.LastUseAt is null || now - apiKey.LastUseAt > TimeSpan.FromMinutes(1))
                await db.ApiKeys.Where(k => k.Id == apiKey.Id).ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUseAt, now), ct);
            return Success(apiKey.User, "api_key", null);
        }
        if (Request.Headers.TryGetValue("X-FilesAPI-Auth", out var authHeader))
        {
            var session = await sessions.FindLiveAsync(authHeader.ToString(), ct);
            return session is null ? AuthenticateResult.Fail("Invalid or expired session.") : Success(session.User, "api_session", session.Id);
        }
        var token = cookie.Read(Context);
        if (!string.IsNullOrEmpty(token))
        {
            var session = await sessions.FindLiveAsync(token, ct);
            if (session is not null && session.Kind == SessionService.WebKind) return Success(session.User, "web_session", session.Id);
        }
        return AuthenticateResult.NoResult();
    }

    private AuthenticateResult Success(User user, string credential, long? sessionId)
    {
        Context.Items[typeof(User)] = user;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.Username),
            new(CredentialClaim, credential),
        };
        if (sessionId is { } id) claims.Add(new Claim(SessionClaim, id.ToString()));
        if (user.SiteAdmin) claims.Add(new Claim(SiteAdminClaim, "true"));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Pages send people to the sign-in form; the API answers with its JSON error.
        if (Request.Path.StartsWithSegments("/api"))
            return Api.ApiErrors.Write(Context, 401, "not-authenticated/authentication-required", "Authentication Required",
                "Authentication required: send X-FilesAPI-Key or X-FilesAPI-Auth.");
        var returnTo = Request.Path + Request.QueryString;
        Response.Redirect("/login?return_to=" + Uri.EscapeDataString(returnTo));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (Request.Path.StartsWithSegments("/api"))
            return Api.ApiErrors.Write(Context, 403, "not-authorized/site-admin-required", "Site Admin Required",
                "You need to be a site administrator to do this.");
        Response.StatusCode = 403;
        Response.ContentType = "text/html; charset=utf-8";
        return Response.WriteAsync("<!doctype html><title>Not allowed</title><h1>Not allowed</h1><p>You need to be a site administrator to open this page. <a href=\"/\">Home</a></p>");
    }
}

public static class PrincipalExtensions
{
    public static long UserId(this ClaimsPrincipal p) => long.Parse(p.FindFirstValue(ClaimTypes.NameIdentifier)!);
    public static bool IsSiteAdmin(this ClaimsPrincipal p) => p.HasClaim(GatehouseAuthenticationHandler.SiteAdminClaim, "true");
    public static long? SessionId(this ClaimsPrincipal p) =>
        p.FindFirstValue(GatehouseAuthenticationHandler.SessionClaim) is { } s ? long.Parse(s) : null;
    /// <summary>The user loaded by the authentication handler for this request.</summary>
    public static User CurrentUser(this HttpContext http) => (User)http.Items[typeof(User)]!;
}
