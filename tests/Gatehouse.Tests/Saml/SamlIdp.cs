using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;

// Not "Gatehouse.Tests.Saml": that namespace would hide ProviderTestData.Saml(...) in the Providers tests.
namespace Gatehouse.Tests.SamlHost;

/// <summary>
/// The test IdP <c>tests/vectors/saml/idp-server.mjs</c> (xml-crypto signs; our code never signs a response),
/// started on 127.0.0.1 for the life of the fixture. It exits when its stdin closes. Multi-tenant: each test uses
/// its own <see cref="Tenant"/>, whose IdP entity ID is unique, so the cross-site issuer rule never collides.
/// </summary>
public sealed class SamlIdp : IAsyncDisposable
{
    private readonly Process _process;
    public int Port { get; }
    private SamlIdp(Process process, int port) => (_process, Port) = (process, port);

    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "vectors", "saml");
                if (File.Exists(Path.Combine(candidate, "idp-server.mjs"))) return candidate;
            }
            throw new InvalidOperationException("tests/vectors/saml not found above " + AppContext.BaseDirectory);
        }
    }

    public static async Task<SamlIdp> StartAsync()
    {
        var folder = Folder;
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "xml-crypto")))
            throw new InvalidOperationException($"The SAML test IdP needs its packages: run `npm ci` in {folder}.");
        var start = new ProcessStartInfo("node", "idp-server.mjs")
        {
            WorkingDirectory = folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
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
                lock (stderr) throw new InvalidOperationException("node idp-server.mjs did not start: " + string.Join('\n', stderr));
            }
            if (!line.StartsWith("listening ", StringComparison.Ordinal)) continue;
            var port = (int)JsonNode.Parse(line["listening ".Length..])!["port"]!;
            _ = Task.Run(async () => { try { while (await process.StandardOutput.ReadLineAsync() is not null) { } } catch (IOException) { } });
            return new SamlIdp(process, port);
        }
    }

    public Tenant NewTenant() => new(this, "t" + Guid.NewGuid().ToString("N")[..12]);

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

    /// <summary>One IdP "application" with its own entity ID, keys and behaviour.</summary>
    public sealed class Tenant(SamlIdp idp, string name)
    {
        private static readonly HttpClient Http = new(new SocketsHttpHandler { UseCookies = false });
        public string Base => $"http://127.0.0.1:{idp.Port}/t/{name}";
        public string EntityId => Base;
        public string MetadataUrl => Base + "/metadata";

        public async Task ControlAsync(object settings) => (await Http.PostAsJsonAsync(Base + "/control", settings)).EnsureSuccessStatusCode();

        /// <summary>The tenant's state (e.g. <c>lastLogout</c>, the LogoutRequest the IdP last received).</summary>
        public async Task<JsonNode> StateAsync()
        {
            var r = await Http.PostAsJsonAsync(Base + "/control", new { });
            r.EnsureSuccessStatusCode();
            return JsonNode.Parse(await r.Content.ReadAsStringAsync())!["state"]!;
        }

        private static readonly HttpClient NoRedirects = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });

        /// <summary>Follows our redirect to the IdP's SLO endpoint: the IdP's redirect back (LogoutResponse), or null when it does not answer.</summary>
        public async Task<string?> SingleLogoutAsync(string redirectUrl)
        {
            var r = await NoRedirects.GetAsync(redirectUrl);
            var text = await r.Content.ReadAsStringAsync();
            Assert.True((int)r.StatusCode is 200 or 302, text);
            return r.Headers.Location?.ToString();
        }

        public async Task<string> MetadataAsync() => await Http.GetStringAsync(MetadataUrl);

        /// <summary>What our redirect asked for: request ID, ACS, SP entity ID (Issuer), RelayState, signed or not.</summary>
        public async Task<JsonNode> InflateAsync(string redirectUrl)
        {
            var r = await Http.PostAsJsonAsync(Base + "/inflate", new { url = redirectUrl });
            r.EnsureSuccessStatusCode();
            return JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        }

        /// <summary>A Response built and signed by xml-crypto for the given request, optionally mutated.</summary>
        public async Task<string> ResponseAsync(string? requestId, string acs, string audience, string mutation = "none", string? nameId = null,
            string? signWith = null, string? sign = null, object? attributes = null)
        {
            var r = await Http.PostAsJsonAsync(Base + "/response", new { requestId, acs, audience, mutation, nameId, signWith, sign, attributes, evilNameId = "admin" });
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.IsSuccessStatusCode, text);
            return (string)JsonNode.Parse(text)!["saml_response"]!;
        }
    }
}

/// <summary>The SAML test world: one Gatehouse and one test IdP process, shared by the SAML test classes.</summary>
public sealed class SamlFixture : IAsyncLifetime
{
    public GatehouseServer Server { get; } = new();
    public SamlIdp Idp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var idp = SamlIdp.StartAsync();
        await Server.InitializeAsync();
        Idp = await idp;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Idp is not null) await Idp.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SamlCollection : ICollectionFixture<SamlFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "saml";
}
