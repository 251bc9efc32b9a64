using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Tests.Oidc;

/// <summary>
/// One of the Node test providers of <c>tests/idp-oidc</c> (<c>provider.mjs</c>: oidc-provider; <c>rogue.mjs</c>:
/// the misbehaving one), started on 127.0.0.1 for the life of a fixture. It exits when its stdin closes, so a
/// crashed test run leaves no stray process.
/// </summary>
public sealed class NodeIdp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr = [];
    public int Port { get; }
    public string Issuer { get; }

    private NodeIdp(Process process, int port, string issuer) => (_process, Port, Issuer) = (process, port, issuer);

    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "idp-oidc");
                if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
            }
            throw new InvalidOperationException("tests/idp-oidc not found above " + AppContext.BaseDirectory);
        }
    }

    public static async Task<NodeIdp> StartAsync(string script, object? config = null)
    {
        var folder = Folder;
        if (script == "provider.mjs" && !Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
            throw new InvalidOperationException($"The OIDC test provider is not installed: run `npm ci` in {folder} (scripts/test.sh does it).");
        var start = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (config is not null) start.Environment["IDP_CONFIG"] = JsonSerializer.Serialize(config);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Node.js (`node`) is needed for the OIDC tests and was not found: " + e.Message, e);
        }
        var stderr = new List<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Add(e.Data); };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            string? line;
            try { line = await process.StandardOutput.ReadLineAsync(timeout.Token); }
            catch (OperationCanceledException) { line = null; }
            if (line is null)
            {
                try { process.Kill(true); } catch (InvalidOperationException) { }
                lock (stderr) throw new InvalidOperationException($"node {script} did not start: {string.Join('\n', stderr)}");
            }
            if (!line.StartsWith("listening ", StringComparison.Ordinal)) continue;
            var info = JsonNode.Parse(line["listening ".Length..])!;
            var idp = new NodeIdp(process, (int)info["port"]!, (string)info["issuer"]!);
            _ = DrainAsync(process);
            return idp;
        }
    }

    private static async Task DrainAsync(Process p)
    {
        try { while (await p.StandardOutput.ReadLineAsync() is not null) { } } catch (IOException) { } catch (ObjectDisposedException) { }
    }

    /// <summary>A plain client for the provider's own endpoints (test controls, dynamic registration).</summary>
    public HttpClient Client() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(Issuer.TrimEnd('/') + "/") };

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(3000)) _process.Kill(true);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        await Task.CompletedTask;
    }
}
