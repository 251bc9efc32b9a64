using System.CommandLine;
using System.Text.Json;
using Gatehouse.Accounts;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Cli;

/// <summary><c>sites create|list|set-plan</c> (CONTRACT §1).</summary>
public static class SitesCommands
{
    public static Command Create()
    {
        var sites = new Command("sites", "Create and manage sites (tenants).");
        sites.Subcommands.Add(CreateCommand());
        sites.Subcommands.Add(ListCommand());
        sites.Subcommands.Add(SetPlanCommand());
        return sites;
    }

    private static Option<string> PlanOption(bool required) => new("--plan")
    {
        Description = "starter, power or premier.",
        Required = required,
        DefaultValueFactory = required ? null! : _ => PlanNames.Starter,
    };

    private static Command CreateCommand()
    {
        var subdomain = new Option<string>("--subdomain") { Description = "The site's subdomain, e.g. acme for acme.localhost.", Required = true };
        var plan = PlanOption(false);
        var adminUsername = new Option<string>("--admin-username") { Description = "Username of the first site administrator.", DefaultValueFactory = _ => "admin" };
        var adminPassword = new Option<string?>("--admin-password") { Description = "Their password; a strong one is generated and printed once when omitted." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var cmd = new Command("create", "Create a site with its first site administrator (password sign-in) and an API key.")
            { subdomain, plan, adminUsername, adminPassword, json };
        cmd.SetAction(async (parse, ct) =>
        {
            await using var app = await CliHost.BuildAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            var request = new CreateSiteRequest(parse.GetValue(subdomain)!.Trim().ToLowerInvariant(), parse.GetValue(plan)!.Trim().ToLowerInvariant(),
                parse.GetValue(adminUsername)!.Trim(), parse.GetValue(adminPassword));
            var result = await CreateSite.HandleAsync(scope.ServiceProvider, request, ct);
            if (result.Error is not null)
            {
                Console.Error.WriteLine($"error: {result.Error}");
                return 2;
            }
            var o = scope.ServiceProvider.GetRequiredService<IOptions<GatehouseOptions>>().Value;
            var url = SiteUrls.Root(o, result.Subdomain!, ListeningPort(app));
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["site_id"] = result.SiteId, ["subdomain"] = result.Subdomain, ["admin_user_id"] = result.AdminUserId,
                    ["api_key"] = result.ApiKey, ["url"] = url, ["admin_username"] = request.AdminUsername,
                    ["admin_password"] = request.AdminPassword is null ? result.AdminPassword : null,
                }));
            else
            {
                Console.WriteLine($"Created site {result.Subdomain} (id {result.SiteId}, plan {request.Plan}) at {url}");
                Console.WriteLine($"Site administrator: {request.AdminUsername}");
                if (request.AdminPassword is null) Console.WriteLine($"Generated password (shown once): {result.AdminPassword}");
                Console.WriteLine($"API key (shown once): {result.ApiKey}");
                Console.WriteLine($"Sign in at {url}/login");
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>The port the site URL should carry: the configured one, else the default 5080.</summary>
    private static int? ListeningPort(WebApplication app)
    {
        var urls = app.Configuration["urls"] ?? app.Configuration["ASPNETCORE_URLS"];
        if (string.IsNullOrEmpty(urls)) return 5080;
        return Uri.TryCreate(urls.Split(';')[0].Replace("*", "localhost").Replace("+", "localhost"), UriKind.Absolute, out var u) ? u.Port : 5080;
    }

    private static Command ListCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array." };
        var cmd = new Command("list", "List every site.") { json };
        cmd.SetAction(async (parse, ct) =>
        {
            await using var app = await CliHost.BuildAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            var sites = await db.Sites.OrderBy(s => s.Subdomain).ToListAsync(ct);
            var userCounts = await db.Users.IgnoreQueryFilters().GroupBy(u => u.SiteId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
            var o = scope.ServiceProvider.GetRequiredService<IOptions<GatehouseOptions>>().Value;
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(sites.Select(s => new Dictionary<string, object?>
                {
                    ["site_id"] = s.Id, ["subdomain"] = s.Subdomain, ["plan"] = s.Plan, ["users"] = userCounts.GetValueOrDefault(s.Id),
                    ["url"] = SiteUrls.Root(o, s.Subdomain, ListeningPort(app)), ["created_at"] = s.CreatedAt,
                })));
            else if (sites.Count == 0) Console.WriteLine("No sites yet. Create one with: sites create --subdomain acme --plan premier --admin-username admin");
            else
            {
                Console.WriteLine($"{"ID",-6} {"SUBDOMAIN",-24} {"PLAN",-8} {"USERS",6}  URL");
                foreach (var s in sites)
                    Console.WriteLine($"{s.Id,-6} {s.Subdomain,-24} {s.Plan,-8} {userCounts.GetValueOrDefault(s.Id),6}  {SiteUrls.Root(o, s.Subdomain, ListeningPort(app))}");
            }
            return 0;
        });
        return cmd;
    }

    private static Command SetPlanCommand()
    {
        var subdomain = new Option<string>("--subdomain") { Description = "The site's subdomain.", Required = true };
        var plan = PlanOption(true);
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var cmd = new Command("set-plan", "Change a site's plan.") { subdomain, plan, json };
        cmd.SetAction(async (parse, ct) =>
        {
            await using var app = await CliHost.BuildAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            var plans = scope.ServiceProvider.GetRequiredService<IOptions<PlanOptions>>().Value;
            var name = parse.GetValue(plan)!.Trim().ToLowerInvariant();
            if (!plans.Plans.ContainsKey(name))
            {
                Console.Error.WriteLine($"error: unknown plan \"{name}\"; use one of: {string.Join(", ", plans.Plans.Keys)}");
                return 2;
            }
            var sub = parse.GetValue(subdomain)!.Trim().ToLowerInvariant();
            var site = await db.Sites.FirstOrDefaultAsync(s => s.Subdomain == sub, ct);
            if (site is null)
            {
                Console.Error.WriteLine($"error: no site with subdomain \"{sub}\"");
                return 2;
            }
            var old = site.Plan;
            site.Plan = name;
            await db.SaveChangesAsync(ct);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["site_id"] = site.Id, ["subdomain"] = site.Subdomain, ["plan"] = site.Plan, ["previous_plan"] = old }));
            else Console.WriteLine($"Site {site.Subdomain}: plan {old} → {site.Plan}");
            return 0;
        });
        return cmd;
    }
}
