using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Tests.Hosting;

/// <summary>One <c>gatehouse serve</c> process on 127.0.0.1:{free port}; killed on dispose.</summary>
public sealed class GatehouseNode : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _workingDirectory;
    private ProcessRunner _process = null!;
    public int Port { get; private set; }
    public string Name { get; }

    private GatehouseNode(string name, IReadOnlyDictionary<string, string> environment, string workingDirectory) =>
        (Name, _environment, _workingDirectory) = (name, environment, workingDirectory);

    public string Output => _process.Output;

    public static GatehouseNode Start(string name, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var node = new GatehouseNode(name, environment, workingDirectory);
        node.Launch();
        return node;
    }

    private void Launch()
    {
        Port = GatehouseProgram.FreePort();
        _process = new ProcessRunner(GatehouseProgram.StartInfo(_environment, _workingDirectory, "serve", "--urls", $"http://127.0.0.1:{Port}"));
    }

    /// <summary>
    /// Waits until this process says it listens on its port and <c>/healthz</c> answers 200 (migrations applied,
    /// database reachable). The port was free when picked, but another process of the test run may take it before
    /// Kestrel binds: then the node exits and is started again on a new port (a 200 from that other process never counts).
    /// </summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var relaunches = 0;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.Process.HasExited)
            {
                try { await _process.DrainAsync(); } catch (TimeoutException) { }
                if (Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase) && relaunches++ < 3)
                {
                    _process.Dispose();
                    Launch();
                    continue;
                }
                throw new InvalidOperationException($"{Name} exited with {_process.Process.ExitCode} before it was healthy.\n{Output}");
            }
            if (!Output.Contains($"Now listening on: http://127.0.0.1:{Port}", StringComparison.Ordinal))
            {
                await Task.Delay(200);
                continue;
            }
            try
            {
                using var r = await http.GetAsync($"http://127.0.0.1:{Port}/healthz");
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { } // not listening yet
            catch (TaskCanceledException) { } // listening but still starting
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} was not healthy after {timeout}.\n{Output}");
    }

    /// <summary>
    /// A client for one site on this node: redirects not followed, every connection to 127.0.0.1 whatever the
    /// host name. Pass the same <paramref name="cookies"/> to two nodes and they share a browser's cookie jar
    /// (cookies are matched by host name, not port).
    /// </summary>
    public HttpClient Client(string subdomain, CookieContainer cookies)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = cookies,
            ConnectCallback = async (ctx, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, ctx.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"http://{subdomain}.localhost:{Port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
