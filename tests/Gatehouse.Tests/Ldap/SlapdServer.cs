using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gatehouse.Tests.Ldap;

/// <summary>
/// A throwaway OpenLDAP slapd on 127.0.0.1 (ldap:// and ldaps:// on random ports), configured from the files in
/// tests/ldap (slapd.conf.template, seed.ldif, server-cert.cnf) in a fresh folder under /tmp, with a test CA and server
/// certificate made by openssl. Needs the Debian packages slapd, ldap-utils and openssl (scripts/test.sh installs them).
/// Its log (stats level) is kept so tests can prove what reached the directory.
/// </summary>
public sealed class SlapdServer : IAsyncDisposable
{
    public const string BaseDn = "dc=example,dc=org";
    public const string ServiceDn = "cn=gatehouse-svc,ou=service,dc=example,dc=org";
    public const string ServicePassword = "Svc-Pass-123";
    private const string AdminDn = "cn=admin,dc=example,dc=org", AdminPassword = "admin-secret";

    private Process? _process;
    private readonly StringBuilder _log = new();
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "gatehouse-slapd-" + Guid.NewGuid().ToString("N")[..12]);
    public string Host => "127.0.0.1";
    public int LdapPort { get; private set; }
    public int LdapsPort { get; private set; }
    public string CaPem { get; private set; } = "";
    /// <summary>A CA that did not sign the server certificate.</summary>
    public string OtherCaPem { get; private set; } = "";

    public string Log { get { lock (_log) return _log.ToString(); } }

    public static async Task<SlapdServer> StartAsync()
    {
        if (!File.Exists("/usr/sbin/slapd"))
            throw new InvalidOperationException("/usr/sbin/slapd is missing: install the Debian packages slapd and ldap-utils (scripts/test.sh does) to run the LDAP tests.");
        if (!File.Exists("/usr/bin/ldapadd"))
            throw new InvalidOperationException("/usr/bin/ldapadd is missing: install the Debian package ldap-utils to run the LDAP tests.");
        var s = new SlapdServer();
        await s.PrepareAsync();
        // Ports come from a probe listener that is closed again, so another process of the test run (a Kestrel, a Node
        // IdP) can take one before slapd binds it: slapd then exits, and the port answers but is not LDAP. Retry with
        // new ports in that case.
        for (var attempt = 1; ; attempt++)
        {
            s.LdapPort = FreePort();
            do s.LdapsPort = FreePort(); while (s.LdapsPort == s.LdapPort);
            try
            {
                await s.RunAsync();
                break;
            }
            catch (SlapdDidNotStartException) when (attempt < 5)
            {
                await s.StopAsync();
                lock (s._log) s._log.Clear();
            }
        }
        await s.SeedAsync();
        return s;
    }

    private static string FixtureFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "ldap", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"tests/ldap/{name} not found above {AppContext.BaseDirectory}");
    }

    private async Task PrepareAsync()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "db"));
        var ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
        await Exec("openssl", $"req -x509 {ec} -keyout ca.key -out ca.crt -days 2 -subj \"/CN=Gatehouse Test CA\" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
        await Exec("openssl", $"req -x509 {ec} -keyout other-ca.key -out other-ca.crt -days 2 -subj \"/CN=Some Other CA\" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
        await Exec("openssl", $"req {ec} -keyout server.key -out server.csr -subj /CN=localhost");
        await Exec("openssl", $"x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile \"{FixtureFile("server-cert.cnf")}\" -extensions gh_server");
        CaPem = await File.ReadAllTextAsync(Path.Combine(Directory, "ca.crt"));
        OtherCaPem = await File.ReadAllTextAsync(Path.Combine(Directory, "other-ca.crt"));
        var conf = (await File.ReadAllTextAsync(FixtureFile("slapd.conf.template")))
            .Replace("@DIR@", Directory).Replace("@MODULES@", "/usr/lib/ldap").Replace("@SCHEMA@", "/etc/ldap/schema");
        await File.WriteAllTextAsync(Path.Combine(Directory, "slapd.conf"), conf);
    }

    /// <summary>Starts (or restarts) slapd in the foreground with the stats log on stderr.</summary>
    public async Task RunAsync()
    {
        var psi = new ProcessStartInfo("/usr/sbin/slapd")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = Directory,
        };
        foreach (var a in new[] { "-d", "256", "-f", Path.Combine(Directory, "slapd.conf"), "-h", $"ldap://127.0.0.1:{LdapPort}/ ldaps://127.0.0.1:{LdapsPort}/" })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        // Ready when this slapd answers an LDAP bind on its port (a bare TCP connect could reach another process).
        for (var i = 0; i < 150; i++)
        {
            if (_process.HasExited) throw new SlapdDidNotStartException("slapd exited at start:\n" + Log);
            try
            {
                using var probe = Admin();
                return;
            }
            catch (LdapException) { await Task.Delay(100); }
        }
        throw new SlapdDidNotStartException("slapd did not answer an LDAP bind within 15 s:\n" + Log);
    }

    private sealed class SlapdDidNotStartException(string message) : InvalidOperationException(message);

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process = null;
    }

    private async Task SeedAsync() =>
        await Exec("/usr/bin/ldapadd", $"-x -H ldap://127.0.0.1:{LdapPort} -D {AdminDn} -w {AdminPassword} -f \"{FixtureFile("seed.ldif")}\"");

    /// <summary>A connection bound as the directory's root, for arranging entries in tests.</summary>
    public LdapConnection Admin()
    {
        var c = new LdapConnection(new LdapDirectoryIdentifier(Host, LdapPort)) { AuthType = AuthType.Basic, Timeout = TimeSpan.FromSeconds(10) };
        c.SessionOptions.ProtocolVersion = 3;
        c.Bind(new NetworkCredential(AdminDn, AdminPassword));
        return c;
    }

    public void Add(string dn, params (string Name, string[] Values)[] attributes)
    {
        using var c = Admin();
        c.SendRequest(new AddRequest(dn, attributes.Select(a => new DirectoryAttribute(a.Name, a.Values.Cast<object>().ToArray())).ToArray()));
    }

    public void AddPerson(string ou, string uid, string password, string? cn = null) =>
        Add($"uid={uid},{ou}", ("objectClass", ["inetOrgPerson"]), ("uid", [uid]), ("cn", [cn ?? uid]), ("sn", [uid]), ("mail", [$"{uid}@example.org"]), ("userPassword", [password]));

    public void AddGroup(string ou, string cn, params string[] memberDns) =>
        Add($"cn={cn},{ou}", ("objectClass", ["groupOfNames"]), ("cn", [cn]), ("member", memberDns));

    public void Modify(string dn, DirectoryAttributeOperation op, string attribute, params string[] values)
    {
        using var c = Admin();
        c.SendRequest(new ModifyRequest(dn, op, attribute, values.Cast<object>().ToArray()));
    }

    public void Rename(string dn, string newRdn)
    {
        using var c = Admin();
        var parent = dn[(dn.IndexOf(',') + 1)..];
        c.SendRequest(new ModifyDNRequest(dn, parent, newRdn) { DeleteOldRdn = true });
    }

    public void Delete(string dn)
    {
        using var c = Admin();
        c.SendRequest(new DeleteRequest(dn));
    }

    /// <summary>An organizational unit of its own, so tests that change the directory do not meet.</summary>
    public string NewOu()
    {
        var ou = $"ou=t{Guid.NewGuid().ToString("N")[..10]},{BaseDn}";
        Add(ou, ("objectClass", ["organizationalUnit"]), ("ou", [LdapRdn(ou)]));
        return ou;
    }

    private static string LdapRdn(string dn) => dn[(dn.IndexOf('=') + 1)..dn.IndexOf(',')];

    private async Task Exec(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Directory };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed ({p.ExitCode}): {await stderr}{await stdout}");
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
