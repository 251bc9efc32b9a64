using Gatehouse.Accounts;
using Gatehouse.Api;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Sessions;

/// <summary>
/// Files.com <c>POST /sessions</c> (username + password → a session id for <c>X-FilesAPI-Auth</c>),
/// <c>DELETE /sessions</c>, and <c>GET /me</c>.
/// </summary>
public static class SessionsApi
{
    public static void MapSessionsApi(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        app.MapPost(ApiEndpoints.Prefix + "/sessions", (HttpContext http, PasswordSignIn signIn, SessionService sessions, GatehouseDb db, CancellationToken ct) =>
            ApiEndpoints.WithInput(http, async input =>
            {
                var username = input.String("username", 1024);
                var password = input.String("password", 1024, nullAsEmpty: false);
                if (string.IsNullOrEmpty(username)) input.AddError("username", "is required");
                if (string.IsNullOrEmpty(password)) input.AddError("password", "is required");
                if (!input.IsValid) return ApiErrors.Invalid(input);

                var result = await signIn.HandleAsync(new PasswordSignInRequest(username, password, "restapi"), http, ct);
                if (!result.Succeeded)
                    return result.Failure switch
                    {
                        SignInFailure.RateLimited => ApiErrors.Result(429, "rate-limited/too-many-login-attempts", "Too Many Login Attempts", PasswordSignIn.Describe(result.Failure)),
                        SignInFailure.LockedOut => ApiErrors.Result(401, "not-authenticated/lockout-region-mismatch", "Account Locked", PasswordSignIn.Describe(result.Failure)),
                        SignInFailure.SsoUser => ApiErrors.Result(401, "not-authenticated/sso-user-browser-login-required", "Single Sign-On Required", PasswordSignIn.Describe(result.Failure)),
                        SignInFailure.Disabled => ApiErrors.Result(401, "not-authenticated/user-disabled", "User Disabled", PasswordSignIn.Describe(result.Failure)),
                        SignInFailure.ProviderDisabled => ApiErrors.Result(401, "not-authenticated/sso-provider-disabled", "Sso Provider Disabled", PasswordSignIn.Describe(result.Failure)),
                        SignInFailure.DirectoryUnavailable => ApiErrors.Result(503, "processing-failure/directory-unavailable", "Directory Unavailable", PasswordSignIn.Describe(result.Failure)),
                        SignInFailure.DirectoryAccountProblem => ApiErrors.Result(401, "not-authenticated/directory-account-restricted", "Directory Account Restricted", PasswordSignIn.Describe(result.Failure)),
                        _ => ApiErrors.Result(401, "not-authenticated/invalid-username-or-password", "Invalid Username Or Password", PasswordSignIn.Describe(result.Failure)),
                    };
                var (session, token) = sessions.Create(result.User!, SessionService.ApiKind, http);
                await db.SaveChangesAsync(ct);
                return Results.Json(new { id = token, language = "en", read_only = false, sftp_insecure_ciphers = false, expires_at = session.ExpiresAt }, ApiJson.Options, statusCode: 201);
            })).AllowAnonymous().WithTags("REST API v1");

        api.MapDelete("/sessions", async (HttpContext http, SessionService sessions, GatehouseDb db, CancellationToken ct) =>
        {
            if (http.User.SessionId() is not { } id)
                return ApiErrors.BadRequest("no-session", "This request is not authenticated with a session (X-FilesAPI-Auth), so there is none to end.");
            await sessions.RevokeAsync(db.Sessions.Where(s => s.Id == id), "signed_out", ct);
            return Results.NoContent();
        });

        api.MapGet("/me", async (HttpContext http, GatehouseDb db, CancellationToken ct) =>
        {
            var userId = http.User.UserId();
            var me = await db.Users.Where(u => u.Id == userId).Select(UserJson.Projection).FirstOrDefaultAsync(ct);
            return me is null ? ApiErrors.NotFound("user") : Results.Json(me, ApiJson.Options);
        });
    }
}
