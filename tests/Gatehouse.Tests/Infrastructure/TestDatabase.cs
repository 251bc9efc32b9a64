using Npgsql;

namespace Gatehouse.Tests.Infrastructure;

/// <summary>
/// Which database the suite runs on: <c>GATEHOUSE_TEST_DB=sqlite</c> (default) or <c>postgres</c>, with
/// <c>GATEHOUSE_TEST_PG</c> the connection string of a server where fresh databases may be created.
/// The test command runs the whole suite once per database.
/// </summary>
public static class TestDatabase
{
    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("GATEHOUSE_TEST_DB"), "postgres", StringComparison.OrdinalIgnoreCase);

    public static string PostgresAdminConnectionString =>
        Environment.GetEnvironmentVariable("GATEHOUSE_TEST_PG") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres";

    /// <summary>Configuration entries for a fresh, empty database (a new PostgreSQL database or a new SQLite directory).</summary>
    public static async Task<Dictionary<string, string?>> FreshAsync(string dataDirectory)
    {
        var config = new Dictionary<string, string?> { ["Gatehouse:DataDirectory"] = dataDirectory };
        if (!IsPostgres)
        {
            config["Gatehouse:Database:Provider"] = "sqlite";
            return config;
        }
        var name = "gh_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(PostgresAdminConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(PostgresAdminConnectionString) { Database = name };
        config["Gatehouse:Database:Provider"] = "postgres";
        config["ConnectionStrings:Gatehouse"] = builder.ConnectionString;
        return config;
    }
}
