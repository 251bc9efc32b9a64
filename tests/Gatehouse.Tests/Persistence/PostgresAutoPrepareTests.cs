using Gatehouse.Persistence;
using Gatehouse.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gatehouse.Tests.Persistence;

/// <summary>
/// On PostgreSQL the lookups every request makes are prepared once per connection (Npgsql's automatic preparation)
/// instead of being parsed and planned on each request; an explicit setting in the connection string wins.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PostgresAutoPrepareTests(GatehouseServer server)
{
    [Fact]
    public void TheConfiguredConnectionString_GetsAutoPrepare_AndKeepsEverythingElse()
    {
        var result = new NpgsqlConnectionStringBuilder(DatabaseSetup.PostgresConnectionString("Host=db.internal;Port=6543;Username=gh;Password=s3cret;Database=gatehouse;Pooling=true"));
        Assert.Equal(64, result.MaxAutoPrepare);
        Assert.Equal(2, result.AutoPrepareMinUsages);
        Assert.Equal(("db.internal", 6543, "gh", "s3cret", "gatehouse"), (result.Host, result.Port, result.Username, result.Password, result.Database));
    }

    [Theory]
    [InlineData("Host=h;Username=u;Database=d;Max Auto Prepare=0")]
    [InlineData("Host=h;Username=u;Database=d;MaxAutoPrepare=8")]
    [InlineData("Host=h;Username=u;Database=d;max auto prepare=0")]
    public void AnExplicitSetting_IsLeftAlone(string configured) =>
        Assert.Equal(configured, DatabaseSetup.PostgresConnectionString(configured));

    [Fact]
    public async Task OnPostgres_ARepeatedLookup_IsPreparedOnItsConnection()
    {
        if (!TestDatabase.IsPostgres) return; // the SQLite pass has no server-side statements; the PostgreSQL pass runs this
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        await db.Database.OpenConnectionAsync();
        try
        {
            for (var i = 0; i < 3; i++) await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.Subdomain == "no-such-site");
            await using var cmd = new NpgsqlCommand("SELECT statement FROM pg_prepared_statements", (NpgsqlConnection)db.Database.GetDbConnection());
            var prepared = new List<string>();
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) prepared.Add(reader.GetString(0));
            Assert.Contains(prepared, s => s.Contains("\"Subdomain\"", StringComparison.Ordinal));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
