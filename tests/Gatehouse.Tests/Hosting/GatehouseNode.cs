using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Tests.Hosting;

/// <summary>One <c>gatehouse serve</c> process on 127.0.0.1:{free port}; killed on dispose.</summary>
public sealed class GatehouseNode : IAsyncDisposable
{
    private readonly ProcessRunner _process;
    public int Port { get; }
    public string Name { get; }

    private GatehouseNode(string name, int port, ProcessRunner process) => (Name, Port, _process) = (name, port, process);

    public string Output => _process.Output;

    public static GatehouseNode Start(string name, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var port = GatehouseProgram.FreePort();
        var psi = GatehouseProgram.StartInfo(environment, workingDirectory, "serve", "--urls", $"http://127.0.0.1:{port}");
        return new GatehouseNode(name, port, new ProcessRunner(psi));
    }

    /// <summary>Waits until <c>/healthz</c> answers 200 (migrations applied, database reachable).</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.Process.HasExited)
                throw new InvalidOperationException($"{Name} exited with {_process.Process.ExitCode} before it was healthy.\n{Output}");
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
