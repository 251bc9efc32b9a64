using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Bench.Http;

/// <summary>The real program as a child process (<c>dotnet Gatehouse.dll …</c>), configured by environment variables.</summary>
public sealed class GatehouseProcess : IDisposable
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "Gatehouse.dll");
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    public int Port { get; }

    private GatehouseProcess(Process process, int port)
    {
        (_process, Port) = (process, port);
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Production: no developer exception page, Information logs off the hot path.
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Gatehouse__PublicScheme"] = "http";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        return psi;
    }

    public static async Task<GatehouseProcess> StartAsync(IReadOnlyDictionary<string, string> env)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var node = new GatehouseProcess(Process.Start(StartInfo(env, "serve", "--urls", $"http://127.0.0.1:{port}"))!, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            if (node._process.HasExited) throw new InvalidOperationException("Gatehouse exited during startup:\n" + node.Log);
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/healthz")).IsSuccessStatusCode) return node;
            }
            catch (HttpRequestException) { } // not listening yet
            catch (TaskCanceledException) { } // still starting
        }
        node.Dispose();
        throw new TimeoutException("Gatehouse did not become healthy:\n" + node.Log);
    }

    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary><c>sites create … --json</c>: returns (subdomain, api key).</summary>
    public static async Task<(string Subdomain, string ApiKey)> CreateSiteAsync(IReadOnlyDictionary<string, string> env, string subdomain)
    {
        using var cli = Process.Start(StartInfo(env, "sites", "create", "--subdomain", subdomain, "--plan", "premier", "--admin-username", "admin", "--json"))!;
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        if (cli.ExitCode != 0) throw new InvalidOperationException($"sites create failed: {await stderr}");
        var json = JsonNode.Parse(await stdout)!;
        return ((string)json["subdomain"]!, (string)json["api_key"]!);
    }

    /// <summary>A client whose connections all go to 127.0.0.1:{Port}, whatever host name the request carries.</summary>
    public HttpClient Client(string host, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectCallback = async (ctx, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    { BaseAddress = new Uri($"http://{host}:{Port}"), Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { } // already gone
        _process.Dispose();
    }
}
