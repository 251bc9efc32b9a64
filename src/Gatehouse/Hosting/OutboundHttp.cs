using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Hosting;

/// <summary>The outcome of one guarded fetch: the body, or a sentence an administrator can act on.</summary>
public sealed record OutboundResult(byte[]? Body, string? Error, int? Status = null)
{
    public bool Succeeded => Body is not null;
}

/// <summary>
/// Fetches admin-supplied URLs (SAML metadata, OIDC discovery and JWKS) without becoming an SSRF tool (CONTRACT §1
/// "outbound fetches"): https only unless <c>Gatehouse:Outbound:AllowHttp</c>; every address the name resolves to
/// is checked at connect time (so DNS rebinding between check and connect cannot reach loopback, private,
/// link-local or metadata-service addresses) unless <c>Gatehouse:Outbound:AllowPrivateNetworks</c>; bounded time,
/// size and redirects. Shared by every protocol capability: register with <see cref="AddOutboundHttp"/>.
/// </summary>
public sealed class OutboundHttp : IDisposable
{
    public const int DefaultMaxBytes = 1024 * 1024;
    private readonly HttpClient _client;
    private readonly bool _allowHttp;

    public OutboundHttp(IOptions<GatehouseOptions> options)
    {
        _allowHttp = options.Value.Outbound.AllowHttp == true;
        var allowPrivate = options.Value.Outbound.AllowPrivateNetworks == true;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 3,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = (ctx, ct) => ConnectAsync(ctx.DnsEndPoint, allowPrivate, ct),
        };
        _client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Gatehouse/1.0");
    }

    /// <summary>GET <paramref name="url"/>; refuses other schemes, forbidden addresses, non-2xx and bodies over <paramref name="maxBytes"/>.</summary>
    public async Task<OutboundResult> GetAsync(string url, int maxBytes, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            return new(null, "The URL is not an absolute http(s) URL.");
        if (uri.Scheme == Uri.UriSchemeHttp && !_allowHttp)
            return new(null, "Plain http is not allowed for outbound fetches; use https (or set Gatehouse:Outbound:AllowHttp).");
        try
        {
            using var response = await _client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            // A redirect may have led to http: the scheme rule holds for the final URL too.
            if (response.RequestMessage?.RequestUri is { Scheme: "http" } && !_allowHttp)
                return new(null, "The URL redirected to plain http, which is not allowed.");
            if (!response.IsSuccessStatusCode)
                return new(null, $"The server answered HTTP {(int)response.StatusCode}.", (int)response.StatusCode);
            if (response.Content.Headers.ContentLength > maxBytes)
                return new(null, $"The document is larger than {maxBytes} bytes.", (int)response.StatusCode);
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes) return new(null, $"The document is larger than {maxBytes} bytes.", (int)response.StatusCode);
                buffer.Write(chunk, 0, read);
            }
            return new(buffer.ToArray(), null, (int)response.StatusCode);
        }
        catch (ForbiddenAddressException e)
        {
            return new(null, e.Message);
        }
        catch (HttpRequestException e) when (e.InnerException is ForbiddenAddressException f)
        {
            return new(null, f.Message);
        }
        catch (HttpRequestException e)
        {
            return new(null, $"The URL could not be reached: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(null, "The URL did not answer in time.");
        }
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        if (addresses.Length == 0) throw new HttpRequestException($"{endpoint.Host} does not resolve.");
        if (!allowPrivate)
        {
            // Every address must be public: connecting to "the first public one" would let a name mixing
            // public and private answers pick its target on retries.
            foreach (var a in addresses)
                if (!IsPublic(a))
                    throw new ForbiddenAddressException($"{endpoint.Host} resolves to {a}, a private, loopback or link-local address; outbound fetches to those are not allowed (Gatehouse:Outbound:AllowPrivateNetworks).");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>False for loopback, RFC 1918, CGNAT, link-local (cloud metadata), unique-local, multicast and unspecified addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)      // CGNAT 100.64/10
                || (b[0] == 169 && b[1] == 254)                     // link-local, cloud metadata
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)          // IETF protocol assignments
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))      // benchmarking
                || b[0] >= 224);                                    // multicast, reserved
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)); // documentation 2001:db8::/32
        }
        return false;
    }

    public void Dispose() => _client.Dispose();

    private sealed class ForbiddenAddressException(string message) : IOException(message);
}

public static class OutboundHttpSetup
{
    /// <summary>Idempotent: every capability that fetches URLs calls it.</summary>
    public static IServiceCollection AddOutboundHttp(this IServiceCollection services)
    {
        services.TryAddSingleton<OutboundHttp>();
        return services;
    }
}
