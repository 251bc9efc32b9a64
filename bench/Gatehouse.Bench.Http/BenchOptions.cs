namespace Gatehouse.Bench.Http;

/// <summary>Command line: <c>[--duration 15] [--warmup 3] [--concurrency 16] [--users 1000] [--pg CONNSTR] [--sqlite-only]</c>.</summary>
public sealed record BenchOptions(TimeSpan Duration, TimeSpan Warmup, int Concurrency, int Users, string? PostgresAdmin)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        var pg = Value("--pg") ?? Environment.GetEnvironmentVariable("GATEHOUSE_BENCH_PG");
        return new BenchOptions(
            TimeSpan.FromSeconds(int.Parse(Value("--duration") ?? "15")),
            TimeSpan.FromSeconds(int.Parse(Value("--warmup") ?? "3")),
            int.Parse(Value("--concurrency") ?? "16"),
            int.Parse(Value("--users") ?? "1000"),
            args.Contains("--sqlite-only") ? null : pg);
    }
}
