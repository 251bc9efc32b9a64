using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Oidc;

/// <summary>A token or userinfo endpoint's answer: the JSON, or a failure with the IdP's own error code.</summary>
public sealed record OidcEndpointResult(JsonElement? Json, string? Error, string? ErrorDescription, int? Status, string? Problem)
{
    public bool Succeeded => Json is not null;
}

/// <summary>
/// The back-channel calls of the code flow: the token request (RFC 6749 §4.1.3 with PKCE, RFC 7636 §4.5) and
/// userinfo (OIDC Core §5.3, bearer header only — never the query string). Same outbound rules as discovery
/// (<see cref="OutboundHttp"/>: https and public addresses unless configured), and no redirects: the code and
/// client secret go only to the token endpoint of the provider recorded in the flow (mix-up, RFC 9700 §4.4).
/// </summary>
public sealed class OidcTokenClient : IDisposable
{
    private const int MaxBytes = 256 * 1024;
    private readonly HttpClient _client;
    private readonly bool _allowHttp;

    public OidcTokenClient(IOptions<GatehouseOptions> options)
    {
        _allowHttp = options.Value.Outbound.AllowHttp == true;
        var allowPrivate = options.Value.Outbound.AllowPrivateNetworks == true;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = async (ctx, ct) =>
            {
                var host = ctx.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
                if (!allowPrivate && addresses.Any(a => !OutboundHttp.IsPublic(a)))
                    throw new HttpRequestException($"{host} resolves to a private, loopback or link-local address, which is not allowed (Gatehouse:Outbound:AllowPrivateNetworks).");
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try { await socket.ConnectAsync(addresses, ctx.DnsEndPoint.Port, ct); return new NetworkStream(socket, ownsSocket: true); }
                catch { socket.Dispose(); throw; }
            },
        }) { Timeout = TimeSpan.FromSeconds(15) };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Gatehouse/1.0");
    }

    public Task<OidcEndpointResult> RedeemCodeAsync(string tokenEndpoint, string clientId, string clientSecret, string authMethod,
        string code, string redirectUri, string codeVerifier, CancellationToken ct, string? clientAssertion = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri, ["code_verifier"] = codeVerifier,
        };
        var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint);
        if (authMethod == OidcProtocolOptions.PrivateKeyJwt)
        {
            form["client_id"] = clientId;
            form["client_assertion_type"] = OidcClientAssertion.AssertionType;
            form["client_assertion"] = clientAssertion ?? throw new ArgumentNullException(nameof(clientAssertion));
        }
        else if (authMethod == OidcProtocolOptions.ClientSecretPost)
        {
            form["client_id"] = clientId;
            form["client_secret"] = clientSecret;
        }
        else
        {
            // RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Base64 (many IdPs break on ':' otherwise).
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret)));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }
        request.Content = new FormUrlEncodedContent(form);
        return SendAsync(request, ct);
    }

    public Task<OidcEndpointResult> UserinfoAsync(string endpoint, string accessToken, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return SendAsync(request, ct);
    }

    private async Task<OidcEndpointResult> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var _ = request;
        var uri = request.RequestUri!;
        if (uri.Scheme != "https" && !(uri.Scheme == "http" && _allowHttp))
            return new(null, null, null, null, $"{uri.GetLeftPart(UriPartial.Path)} is not https; plain http is not allowed (Gatehouse:Outbound:AllowHttp).");
        request.Headers.Accept.ParseAdd("application/json");
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new MemoryStream();
            await stream.CopyToAsync(new LimitedStream(buffer, MaxBytes), ct);
            JsonElement? json = null;
            try { json = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 32 }).RootElement.Clone(); }
            catch (JsonException) { }
            if (response.IsSuccessStatusCode && json is { ValueKind: JsonValueKind.Object }) return new(json, null, null, status, null);
            // RFC 6749 §5.2: {"error": "...", "error_description": "..."}
            string? error = null, description = null;
            if (json is { ValueKind: JsonValueKind.Object } j)
            {
                if (j.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String) error = e.GetString();
                if (j.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String) description = d.GetString();
            }
            return new(null, error, description, status, $"{uri.GetLeftPart(UriPartial.Path)} answered HTTP {status}" + (error is null ? "." : $" with {error}."));
        }
        catch (HttpRequestException e)
        {
            return new(null, null, null, null, $"{uri.GetLeftPart(UriPartial.Path)} could not be reached: {e.Message}");
        }
        catch (InvalidOperationException e) when (e.Message.Contains("larger"))
        {
            return new(null, null, null, null, $"{uri.GetLeftPart(UriPartial.Path)} answered with more than {MaxBytes} bytes.");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(null, null, null, null, $"{uri.GetLeftPart(UriPartial.Path)} did not answer in time.");
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Refuses to buffer more than a bound (a hostile endpoint could stream forever).</summary>
    private sealed class LimitedStream(Stream inner, long max) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (inner.Length + count > max) throw new InvalidOperationException("The response is larger than allowed.");
            inner.Write(buffer, offset, count);
        }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            if (inner.Length + buffer.Length > max) throw new InvalidOperationException("The response is larger than allowed.");
            return inner.WriteAsync(buffer, ct);
        }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
