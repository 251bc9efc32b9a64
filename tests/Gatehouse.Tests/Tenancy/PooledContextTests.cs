using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Tenancy;

/// <summary>
/// Database contexts are pooled: the same instance serves one scope after another. Its tenant filter must follow the
/// scope that rented it, and a scope must hand it back exactly once.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PooledContextTests(GatehouseServer server)
{
    [Fact]
    public async Task AContextRentedAgain_SeesOnlyTheNewScopesSite_AndNothingBeforeASiteIsSet()
    {
        var a = await server.CreateSiteAsync();
        var b = await server.CreateSiteAsync();
        var seen = new HashSet<GatehouseDb>(ReferenceEqualityComparer.Instance);

        // A pool of its own, on the server's database and registration: the server's pool is shared with background
        // work and holds the contexts earlier tests left in it, handed out first-in first-out, so sequential rents there
        // may all get different instances. Here the pool starts empty and every rent after the first is a reuse.
        await using var services = new ServiceCollection()
            .AddGatehouseDatabase(server.Services.GetRequiredService<IConfiguration>())
            .AddScoped<CurrentSite>()
            .BuildServiceProvider();
        AsyncServiceScope SiteScope(long siteId, out GatehouseDb db)
        {
            var scope = services.CreateAsyncScope();
            db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            var site = db.Sites.First(s => s.Id == siteId);
            scope.ServiceProvider.GetRequiredService<CurrentSite>().Set(site);
            return scope;
        }

        for (var round = 0; round < 3; round++)
        {
            await using (var scopeA = SiteScope(a.Id, out var dbA))
            {
                seen.Add(dbA);
                Assert.True(dbA.ChangeTracker.AutoDetectChangesEnabled, "a setting of the previous renter leaked");
                Assert.Empty(dbA.ChangeTracker.Entries<Gatehouse.Accounts.User>());
                Assert.Equal([a.AdminUserId], await dbA.Users.Select(u => u.Id).ToListAsync());
                dbA.ChangeTracker.AutoDetectChangesEnabled = false;
                dbA.Users.Add(new Gatehouse.Accounts.User { Username = "never-saved", UsernameNormalized = "never-saved", CreatedAt = DateTime.UtcNow });
            }
            await using (var unbound = services.CreateAsyncScope())
            {
                var db = unbound.ServiceProvider.GetRequiredService<GatehouseDb>();
                seen.Add(db);
                Assert.Null(db.CurrentSiteId);
                Assert.Empty(await db.Users.ToListAsync());
            }
            await using (var scopeB = SiteScope(b.Id, out var dbB))
            {
                seen.Add(dbB);
                Assert.Equal([b.AdminUserId], await dbB.Users.Select(u => u.Id).ToListAsync());
                Assert.Equal(b.Id, dbB.CurrentSiteId);
            }
        }
        Assert.Single(seen); // one instance served all nine scopes: every check above ran on a reused context
    }

    [Fact]
    public async Task ScopesRunningAtOnce_EachKeepTheirOwnSite_AndTheirOwnContext()
    {
        var sites = new List<TestSite>();
        for (var i = 0; i < 4; i++) sites.Add(await server.CreateSiteAsync());

        // Many short scopes in parallel: a context handed back twice by one scope would be disposed or re-bound while
        // another scope uses it ("Cannot access a disposed context", or another site's rows).
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var site = sites[i % sites.Count];
            await using var scope = server.SiteScope(site.Id, out var db);
            for (var q = 0; q < 3; q++)
            {
                Assert.Equal([site.AdminUserId], await db.Users.Select(u => u.Id).ToListAsync(ct));
                Assert.Equal(site.Id, db.CurrentSiteId);
            }
        });
    }

    [Fact]
    public async Task AScopeHandsItsContextBackOnce()
    {
        var a = await server.CreateSiteAsync();
        await using (server.SiteScope(a.Id, out _)) { }

        // A scope disposes every instance it got from a registration: were the provider's own context type registered
        // too (resolving to the same instance), the context would be handed back twice, the second time possibly while
        // another request has it (seen under load: "Cannot access a disposed context"). Only GatehouseDb is registered.
        await using (var probe = server.Services.CreateAsyncScope())
        {
            Assert.Null(probe.ServiceProvider.GetService<SqliteGatehouseDb>());
            Assert.Null(probe.ServiceProvider.GetService<PostgresGatehouseDb>());
        }

        // The next rents take what the pool holds, the context just handed back among them; had the ended scope disposed
        // it a second time, one of these would be unusable.
        var scopes = new List<AsyncServiceScope>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                scopes.Add(server.SiteScope(a.Id, out var db));
                Assert.Equal([a.AdminUserId], await db.Users.Select(u => u.Id).ToListAsync());
            }
        }
        finally
        {
            foreach (var scope in scopes) await scope.DisposeAsync();
        }
    }
}
