using System.DirectoryServices.Protocols;
using System.Net;
using Microsoft.Extensions.Options;

namespace Gatehouse.Ldap;

/// <summary>A failure of one directory step, with a stable reason and a message an admin can act on.</summary>
public sealed record LdapFailure(string Step, string Reason, string Message);

/// <summary>
/// Opens connections to a provider's directory: hosts in order (failover), LDAPS or StartTLS with certificate checks,
/// timeouts, no referral chasing. Every connection is fresh and used for one operation only, so a connection bound
/// as a user is never reused for a later search (security catalogue L10). All calls are blocking; callers run them
/// off the request thread under a deadline.
/// </summary>
public sealed class LdapConnector(IOptions<LdapOptions> options, LdapCaStore caStore, ILogger<LdapConnector> logger)
{
    public LdapOptions Options => options.Value;

    /// <summary>Connects (no bind yet) to the first host that answers and completes TLS. On failure: why, per host.</summary>
    public (LdapConnection? Connection, string? Host, LdapFailure? Failure) Open(LdapSettings s, CancellationToken ct)
    {
        if (s.Transport == LdapTransport.Plain && options.Value.AllowPlaintext != true)
            return (null, null, new LdapFailure("tls", "plaintext_refused",
                "This server does not send directory passwords without TLS. Turn on LDAPS (ldap_secure) or StartTLS (ldap_start_tls)."));
        var failures = new List<(string Host, LdapFailure Failure)>();
        foreach (var host in s.Hosts)
        {
            ct.ThrowIfCancellationRequested();
            var (connection, failure) = OpenOne(s, host);
            if (connection is not null)
            {
                if (failures.Count > 0) LdapLog.FailedOver(logger, s.StrategyId, failures[^1].Host, host);
                return (connection, host, null);
            }
            LdapLog.HostFailed(logger, s.StrategyId, host, failure!.Reason);
            failures.Add((host, failure));
        }
        // A TLS problem is the more useful thing to report than "the other hosts were down too".
        var (_, worst) = failures.FirstOrDefault(f => f.Failure.Step == "tls") is { Failure: not null } tls ? tls : failures[0];
        var message = failures.Count == 1 ? worst.Message
            : string.Join(" ", failures.Select(f => $"{f.Host}: {f.Failure.Message}"));
        return (null, null, worst with { Message = message });
    }

    private (LdapConnection?, LdapFailure?) OpenOne(LdapSettings s, string host)
    {
        var o = options.Value;
        var c = new LdapConnection(new LdapDirectoryIdentifier(host, s.Port, fullyQualifiedDnsHostName: true, connectionless: false))
        {
            AuthType = AuthType.Basic,
            AutoBind = false, // never an implicit bind with default credentials (security catalogue L1)
            Timeout = o.OperationTimeout,
        };
        try
        {
            c.SessionOptions.ProtocolVersion = 3;
            c.SessionOptions.ReferralChasing = ReferralChasingOptions.None; // a referral never carries our credentials elsewhere (L5)
            if (s.Transport != LdapTransport.Plain && s.CaBundlePem is not null)
            {
                // Linux (the deployment target): per-connection CA directory. VerifyServerCertificate callbacks are not supported
                // there (dotnet/runtime#109952). On Windows only the machine store is trusted: an uploaded CA then fails closed.
                if (!OperatingSystem.IsWindows())
                {
                    c.SessionOptions.TrustedCertificatesDirectory = caStore.DirectoryFor(s.CaBundlePem);
                    c.SessionOptions.StartNewTlsSessionContext();
                }
            }
            if (s.Transport == LdapTransport.Ldaps) c.SessionOptions.SecureSocketLayer = true;

            // Connect (and for LDAPS, handshake) with an anonymous read of the root DSE: no credentials on the wire yet.
            try
            {
                c.SendRequest(new SearchRequest("", "(objectClass=*)", SearchScope.Base, "supportedLDAPVersion") { TimeLimit = o.ConnectTimeout }, o.ConnectTimeout);
            }
            catch (DirectoryOperationException) { /* the server answered (some refuse anonymous root DSE reads): connected */ }

            if (s.Transport == LdapTransport.StartTls)
            {
                try { c.SessionOptions.StartTransportLayerSecurity(null); }
                catch (Exception e) when (e is LdapException or DirectoryOperationException or TlsOperationException)
                {
                    // Fail closed: after a failed StartTLS nothing else is sent on this connection, above all no bind
                    // (dotnet/runtime#54274 once sent the bind in clear text on Linux).
                    c.Dispose();
                    return (null, new LdapFailure("tls", "starttls_failed", Diagnose(s, host, $"StartTLS with {host} failed: {e.Message}")));
                }
            }
            return (c, null);
        }
        catch (LdapException e)
        {
            c.Dispose();
            if (s.Transport == LdapTransport.Ldaps && e.ErrorCode is 81 or 91)
            {
                var message = Diagnose(s, host, null);
                if (message is not null) return (null, new LdapFailure(message.StartsWith("TLS") ? "tls" : "connect", message.StartsWith("TLS") ? "tls_failed" : "unreachable", message));
            }
            return (null, new LdapFailure("connect", e.ErrorCode == 85 ? "timeout" : "unreachable", Diagnose(s, host, null)
                ?? $"{host}:{s.Port} could not be reached ({e.Message})"));
        }
    }

    /// <summary>Asks the managed probe what went wrong on a host, since libldap says only "server unavailable".</summary>
    private string Diagnose(LdapSettings s, string host, string? fallback)
    {
        try
        {
            var probe = TlsProbe.ProbeAsync(host, s.Port, s.Transport, LdapCaStore.Certificates(s.CaBundlePem), options.Value.ConnectTimeout, CancellationToken.None)
                .GetAwaiter().GetResult();
            if (!probe.Connected || probe.TlsOk == false) return probe.Message;
            return fallback ?? $"{host}:{s.Port} answered, but the directory connection failed (TLS settings of this server's LDAP library, or the server closed the connection).";
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return fallback ?? $"{host}:{s.Port} could not be reached ({e.Message}).";
        }
    }

    /// <summary>
    /// Simple bind (RFC 4513 §5.1.3). Refuses an empty name or password itself: S.DS.P turns all-empty credentials
    /// into "default credentials" and a DN with an empty password is an unauthenticated bind that succeeds (L1).
    /// </summary>
    public static void Bind(LdapConnection c, string name, string password)
    {
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(password) || password.Contains('\0'))
            throw new ArgumentException("An LDAP bind needs a name and a non-empty password.");
        c.Bind(new NetworkCredential(name, password));
    }

    /// <summary>Searches with paging (RFC 2696) and the server-side time limit; referrals and continuation references are ignored.</summary>
    public IEnumerable<LdapEntry> Search(LdapConnection c, string baseDn, SearchScope scope, string filter, string[] attributes, int? max = null)
    {
        var o = options.Value;
        var request = new SearchRequest(baseDn, filter, scope, attributes) { TimeLimit = o.OperationTimeout };
        var paging = new PageResultRequestControl(o.PageSize) { IsCritical = false };
        if (scope != SearchScope.Base) request.Controls.Add(paging);
        var count = 0;
        while (true)
        {
            var response = (SearchResponse)c.SendRequest(request, o.OperationTimeout);
            foreach (SearchResultEntry e in response.Entries)
            {
                if (++count > (max ?? o.MaxEntries)) throw new LdapSizeException(max ?? o.MaxEntries);
                yield return LdapEntry.From(e);
            }
            var page = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault();
            if (scope == SearchScope.Base || page is null || page.Cookie is not { Length: > 0 }) yield break;
            paging.Cookie = page.Cookie;
        }
    }
}

public sealed class LdapSizeException(int max) : Exception($"The directory returned more than {max} entries.");
