using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gatehouse.Ldap;

/// <summary>What a managed look at one host found: could we connect, and what did TLS say (in words an admin can act on).</summary>
public sealed record TlsProbeResult(bool Connected, bool? TlsOk, string Message, string? CertificateSubject = null, DateTime? CertificateNotAfter = null);

/// <summary>
/// Connects to one directory host with .NET's own sockets and TLS, to explain failures libldap reports only as
/// "server unavailable": refused vs. timed out, certificate untrusted vs. wrong host name vs. expired, StartTLS refused.
/// Used by "Test connection" and to diagnose a failed password check. It never sends credentials.
/// </summary>
public static class TlsProbe
{
    // LDAPMessage { messageID 1, ExtendedRequest { requestName "1.3.6.1.4.1.1466.20037" } } — RFC 4511 §4.14.1 (StartTLS).
    private static readonly byte[] StartTlsRequest =
        [0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16, .. Encoding.ASCII.GetBytes("1.3.6.1.4.1.1466.20037")];

    public static async Task<TlsProbeResult> ProbeAsync(string host, int port, LdapTransport transport, X509Certificate2Collection? extraRoots, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        using var tcp = new TcpClient();
        try { await tcp.ConnectAsync(host, port, cts.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(false, null, $"No answer from {host}:{port} within {timeout.TotalSeconds:0} s (firewall, wrong port, or the server is down).");
        }
        catch (SocketException e)
        {
            return new(false, null, e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"{host}:{port} refused the connection: no directory is listening there (server stopped, or wrong port).",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"The host name {host} could not be resolved.",
                _ => $"Could not connect to {host}:{port}: {e.SocketErrorCode}.",
            });
        }
        if (transport == LdapTransport.Plain) return new(true, null, $"Connected to {host}:{port} (no TLS).");

        try
        {
            var stream = tcp.GetStream();
            if (transport == LdapTransport.StartTls)
            {
                await stream.WriteAsync(StartTlsRequest, cts.Token);
                var code = await ReadExtendedResultCodeAsync(stream, cts.Token);
                if (code != 0)
                    return new(true, false, $"{host}:{port} refused StartTLS (LDAP result {code}). Enable TLS on the server or use LDAPS; Gatehouse never falls back to a plaintext bind.");
            }
            string? problem = null;
            X509Certificate2? seen = null;
            using var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, cert, chain, errors) =>
            {
                seen = cert is null ? null : new X509Certificate2(cert);
                problem = Judge(host, seen, errors, extraRoots);
                return problem is null;
            });
            try
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, cts.Token);
            }
            catch (System.Security.Authentication.AuthenticationException e)
            {
                return new(true, false, problem ?? $"TLS handshake with {host}:{port} failed: {e.Message}", seen?.Subject, seen?.NotAfter.ToUniversalTime());
            }
            return new(true, true, $"TLS {ssl.SslProtocol} with {host}:{port}; certificate {seen?.Subject} is trusted and names the host.",
                seen?.Subject, seen?.NotAfter.ToUniversalTime());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(true, false, $"{host}:{port} accepted the connection but did not complete {(transport == LdapTransport.StartTls ? "StartTLS" : "the TLS handshake")} within {timeout.TotalSeconds:0} s (is it an {(transport == LdapTransport.Ldaps ? "LDAPS" : "LDAP")} port?).");
        }
        catch (IOException e)
        {
            return new(true, false, $"{host}:{port} closed the connection during {(transport == LdapTransport.StartTls ? "StartTLS" : "the TLS handshake")} ({e.Message}). Is it an {(transport == LdapTransport.Ldaps ? "LDAPS" : "LDAP")} port?");
        }
    }

    /// <summary>Trusted by the system store, or chains to the uploaded CA bundle; and names the host (RFC 6125). Null = fine.</summary>
    private static string? Judge(string host, X509Certificate2? cert, SslPolicyErrors errors, X509Certificate2Collection? extraRoots)
    {
        if (cert is null) return "The server sent no certificate.";
        if (errors == SslPolicyErrors.None) return null;
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
            var names = san is null ? cert.Subject : string.Join(", ", san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(a => a.ToString())));
            return $"TLS: the server certificate does not name the host \"{host}\" (it names: {names}). Connect with a host name the certificate lists.";
        }
        var now = DateTime.UtcNow;
        if (cert.NotAfter.ToUniversalTime() < now) return $"TLS: the server certificate expired on {cert.NotAfter.ToUniversalTime():u}.";
        if (cert.NotBefore.ToUniversalTime() > now) return $"TLS: the server certificate is not valid before {cert.NotBefore.ToUniversalTime():u}.";
        if (extraRoots is { Count: > 0 })
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(extraRoots);
            chain.ChainPolicy.ExtraStore.AddRange(extraRoots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain.Build(cert)) return null;
            return $"TLS: the server certificate (issued by {cert.Issuer}) does not chain to the uploaded CA certificate (ldap_ca_certificate): {Status(chain)}.";
        }
        return $"TLS: the server certificate (issued by {cert.Issuer}) is not trusted by this server's CA store. Upload the CA certificate that issued it as ldap_ca_certificate.";
    }

    /// <summary>Does the certificate chain to one of the given roots (system roots not consulted)?</summary>
    public static bool ChainsTo(X509Certificate2 cert, X509Certificate2Collection? roots)
    {
        if (roots is not { Count: > 0 }) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }

    private static string Status(X509Chain chain) =>
        string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct()) is { Length: > 0 } s ? s : "untrusted";

    /// <summary>Reads one LDAPMessage and returns the resultCode of its ExtendedResponse (RFC 4511 §4.12), or -1.</summary>
    private static async Task<int> ReadExtendedResultCodeAsync(Stream stream, CancellationToken ct)
    {
        var header = new byte[2];
        await stream.ReadExactlyAsync(header, ct);
        if (header[0] != 0x30) return -1;
        int length = header[1];
        if ((length & 0x80) != 0)
        {
            var n = length & 0x7f;
            if (n is 0 or > 3) return -1;
            var lb = new byte[n];
            await stream.ReadExactlyAsync(lb, ct);
            length = 0;
            foreach (var b in lb) length = (length << 8) | b;
        }
        if (length > 64 * 1024) return -1;
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, ct);
        // messageID INTEGER, then [APPLICATION 24] ExtendedResponse whose first element is resultCode ENUMERATED.
        var i = 0;
        if (body.Length < 2 || body[i++] != 0x02) return -1;
        i += body[i] + 1;
        if (i >= body.Length || body[i++] != 0x78) return -1;
        if ((body[i] & 0x80) != 0) i += (body[i] & 0x7f);
        i++;
        if (i + 2 >= body.Length || body[i] != 0x0a || body[i + 1] != 1) return -1;
        return body[i + 2];
    }
}
