using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gatehouse.Tests.Infrastructure;

namespace Gatehouse.Tests.Hosting;

/// <summary>
/// The real program as a child process: <c>dotnet Gatehouse.dll …</c>, the copy the project reference puts
/// next to the test assembly. Configuration goes in through environment variables, as an operator's would.
/// </summary>
public static class GatehouseProgram
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "Gatehouse.dll");

    /// <summary>The dotnet host running the tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";

    /// <summary>Environment for a fresh, empty database of the suite's kind (see <see cref="TestDatabase"/>).</summary>
    public static async Task<Dictionary<string, string>> FreshEnvironmentAsync(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var config = await TestDatabase.FreshAsync(dataDirectory);
        // Gatehouse:Database:Provider → Gatehouse__Database__Provider, the form an operator exports.
        return config.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key.Replace(":", "__"), kv => kv.Value!);
    }

    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(DotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Nothing from the test runner's own environment may leak into the program's configuration.
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("Gatehouse__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase))
                psi.Environment.Remove(key);
        psi.Environment["DOTNET_ENVIRONMENT"] = "Development";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return psi;
    }

    /// <summary>Runs one CLI verb to completion (killed after <paramref name="timeout"/>).</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, string workingDirectory, params string[] args)
    {
        using var process = new ProcessRunner(StartInfo(environment, workingDirectory, args));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"gatehouse {string.Join(' ', args)} did not finish in time.\n{process.Output}");
        }
        await process.DrainAsync();
        return new CliResult(process.Process.ExitCode, process.StdOut, process.StdErr);
    }

    /// <summary>A TCP port nobody listens on right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>A started child process whose output is collected as it comes, so a full pipe never blocks it.</summary>
internal sealed class ProcessRunner : IDisposable
{
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly Task _outPump;
    private readonly Task _errPump;
    public Process Process { get; }

    public ProcessRunner(ProcessStartInfo psi)
    {
        Process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName);
        Process.StandardInput.Close(); // like CI: no stdin
        _outPump = Pump(Process.StandardOutput, _out);
        _errPump = Pump(Process.StandardError, _err);
    }

    private static async Task Pump(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
            lock (into) into.Append(buffer, 0, n);
    }

    public string StdOut { get { lock (_out) return _out.ToString(); } }
    public string StdErr { get { lock (_err) return _err.ToString(); } }
    public string Output => $"--- stdout\n{StdOut}\n--- stderr\n{StdErr}";

    public Task DrainAsync() => Task.WhenAll(_outPump, _errPump).WaitAsync(TimeSpan.FromSeconds(10));

    public void Kill()
    {
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { } // it exited between the check and the kill
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }
}
