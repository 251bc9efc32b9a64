using System.Security.Cryptography;
using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Tenancy;

public sealed record CreateSiteRequest(string Subdomain, string Plan, string AdminUsername, string? AdminPassword);

public sealed record CreateSiteResult(string? Error, long SiteId = 0, string? Subdomain = null, long AdminUserId = 0, string? ApiKey = null, string? AdminPassword = null);

/// <summary>Creates a site, its first site administrator (password sign-in) and a site-admin API key, in one transaction.</summary>
public static class CreateSite
{
    public static async Task<CreateSiteResult> HandleAsync(IServiceProvider services, CreateSiteRequest request, CancellationToken ct)
    {
        var db = services.GetRequiredService<GatehouseDb>();
        var plans = services.GetRequiredService<IOptions<PlanOptions>>().Value;
        var policy = services.GetRequiredService<PasswordPolicy>();
        var hashing = services.GetRequiredService<PasswordHashing>();
        var time = services.GetRequiredService<TimeProvider>();

        if (SubdomainRules.Problem(request.Subdomain) is { } problem) return new($"subdomain \"{request.Subdomain}\" {problem}");
        if (!plans.Plans.ContainsKey(request.Plan)) return new($"unknown plan \"{request.Plan}\"; use one of: {string.Join(", ", plans.Plans.Keys)}");
        if (request.AdminUsername.Length is 0 or > 128) return new("--admin-username must be 1–128 characters");
        if (await db.Sites.AnyAsync(s => s.Subdomain == request.Subdomain, ct)) return new($"a site with subdomain \"{request.Subdomain}\" already exists");
        var password = request.AdminPassword ?? GeneratePassword();
        var problems = policy.Check(password, request.AdminUsername);
        if (problems.Count > 0) return new($"--admin-password {string.Join("; ", problems)}");

        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var site = new Site { Subdomain = request.Subdomain, Plan = request.Plan, CreatedAt = now };
        db.Sites.Add(site);
        await db.SaveChangesAsync(ct);
        services.GetRequiredService<CurrentSite>().Set(site);

        var admin = new User
        {
            Username = request.AdminUsername,
            UsernameNormalized = User.Normalize(request.AdminUsername),
            SiteAdmin = true,
            AuthenticationMethod = AuthenticationMethods.Password,
            PasswordHash = hashing.Hash(password),
            PasswordSetAt = now,
            CreatedAt = now,
        };
        db.Users.Add(admin);
        var (key, apiKey) = ApiKeys.New(admin, "Site setup key", now);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(null, site.Id, site.Subdomain, admin.Id, apiKey, password);
    }

    private static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Create(20, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }
}
