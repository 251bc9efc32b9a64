using System.Diagnostics;

namespace Gatehouse.Bench.Http;

public sealed record LoadResult(string Scenario, long Requests, long Errors, double Seconds, double P50Ms, double P99Ms)
{
    public double RequestsPerSecond => Requests / Seconds;
}

/// <summary>Closed-loop load: <c>concurrency</c> workers, each sending its next request when the last one is answered.</summary>
public static class LoadRun
{
    public static async Task<LoadResult> RunAsync(string scenario, HttpClient client, Func<HttpRequestMessage> request,
        int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        await Drive(client, request, concurrency, warmup); // JIT, connection pool, caches
        var (latencies, errors, elapsed) = await Drive(client, request, concurrency, duration);
        latencies.Sort();
        return new LoadResult(scenario, latencies.Count, errors, elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static async Task<(List<double> Latencies, long Errors, TimeSpan Elapsed)> Drive(HttpClient client, Func<HttpRequestMessage> request, int concurrency, TimeSpan duration)
    {
        var total = Stopwatch.StartNew();
        var end = duration.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        long errors = 0;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>(capacity: 4096);
            while (total.ElapsedTicks < end)
            {
                var start = Stopwatch.GetTimestamp();
                using var req = request();
                try
                {
                    using var response = await client.SendAsync(req, HttpCompletionOption.ResponseContentRead);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref errors); }
                catch (TaskCanceledException) { Interlocked.Increment(ref errors); } // client timeout
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            return mine;
        })).ToList();
        var all = (await Task.WhenAll(workers)).SelectMany(x => x).ToList();
        return (all, errors, total.Elapsed);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
