using System.Net;
using System.Net.Sockets;
using Gatehouse.Cli;
using Gatehouse.Hosting;
using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Tests.Infrastructure;

/// <summary>
/// A real Gatehouse on Kestrel at 127.0.0.1:{random port}, on a fresh database of the suite's kind.
/// Sites are reached as <c>{subdomain}.localhost</c> through <see cref="Client"/>, which connects to
/// 127.0.0.1 whatever the host name (.NET does not resolve *.localhost).
/// </summary>
public sealed class GatehouseServer : IAsyncLifetime
{
    private WebApplication? _app;
    public int Port { get; private set; }
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "gatehouse-tests", Guid.NewGuid().ToString("N"));
    public IServiceProvider Services => _app!.Services;
    /// <summary>Extra configuration a test class may set before <see cref="InitializeAsync"/> (via a derived fixture).</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        var config = await TestDatabase.FreshAsync(DataDirectory);
        foreach (var (k, v) in Settings) config[k] = v;
        _app = GatehouseHost.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Logging.ClearProviders();
        });
        await CliHost.MigrateAsync(_app.Services, CancellationToken.None);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(DataDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Creates a site with a unique subdomain (tests share one server) and its first admin.</summary>
    public async Task<TestSite> CreateSiteAsync(string plan = "premier", string prefix = "site")
    {
        var subdomain = $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";
        const string password = "Admin-Pass-0123";
        await using var scope = Services.CreateAsyncScope();
        var result = await CreateSite.HandleAsync(scope.ServiceProvider, new CreateSiteRequest(subdomain, plan, "admin", password), CancellationToken.None);
        if (result.Error is not null) throw new InvalidOperationException(result.Error);
        return new TestSite(this, result.SiteId, subdomain, result.AdminUserId, "admin", password, result.ApiKey!);
    }

    public string BaseUrl(string subdomain) => $"http://{subdomain}.localhost:{Port}";

    /// <summary>An HTTP client for one site: cookies kept, redirects not followed, every connection to 127.0.0.1.</summary>
    public HttpClient Client(string subdomain, bool cookies = true)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (ctx, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, ctx.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri(BaseUrl(subdomain)) };
    }

    /// <summary>A scope bound to one site, for arranging and asserting directly in the database.</summary>
    public AsyncServiceScope SiteScope(long siteId, out GatehouseDb db)
    {
        var scope = Services.CreateAsyncScope();
        db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var site = db.Sites.First(s => s.Id == siteId);
        scope.ServiceProvider.GetRequiredService<CurrentSite>().Set(site);
        return scope;
    }
}

public sealed record TestSite(GatehouseServer Server, long Id, string Subdomain, long AdminUserId, string AdminUsername, string AdminPassword, string AdminApiKey)
{
    public string BaseUrl => Server.BaseUrl(Subdomain);

    /// <summary>A client authenticated with the site admin's API key.</summary>
    public HttpClient AdminApi()
    {
        var c = Server.Client(Subdomain, cookies: false);
        c.DefaultRequestHeaders.Add("X-FilesAPI-Key", AdminApiKey);
        return c;
    }

    public HttpClient Anonymous(bool cookies = true) => Server.Client(Subdomain, cookies);
}

/// <summary>One server for the whole suite; each test makes its own site(s), so tests stay independent.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<GatehouseServer>
{
    public const string Name = "server";
}
