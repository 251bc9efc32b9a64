using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gatehouse.Tests.Ldap;

/// <summary>
/// A throwaway Samba Active Directory domain controller (Debian packages samba, samba-ad-dc, samba-ad-provision,
/// samba-dsdb-modules; scripts/test.sh installs them): provisioned in a fresh folder under /tmp (≈10 s), seeded with
/// samba-tool, then run in the foreground with only its LDAP service on 127.0.0.1. Samba's LDAP server listens on 389
/// and 636 and cannot be moved, so it needs root and those ports free; a DC left over by a killed run is stopped first.
/// Simple binds without TLS are allowed here (<c>ldap server require strong auth = no</c>): the TLS paths are proven
/// against slapd; this server proves the Active Directory semantics (userAccountControl, bind sub-codes, UPN and
/// down-level binds, objectGUID, LDAP_MATCHING_RULE_IN_CHAIN).
/// </summary>
public sealed class SambaDcServer : IAsyncDisposable
{
    public const string Realm = "GATEHOUSE.TEST", NetbiosDomain = "GATEHOUSE", DnsDomain = "gatehouse.test";
    public const string BaseDn = "DC=gatehouse,DC=test", UsersDn = "CN=Users,DC=gatehouse,DC=test";
    public const string AdminUpn = "Administrator@gatehouse.test", AdminPassword = "Admin-Pass-123!";
    private const string FolderPrefix = "gatehouse-samba-dc-";

    private Process? _process;
    private readonly StringBuilder _log = new();
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N")[..12]);
    public string Host => "127.0.0.1";
    public int Port => 389;
    public string Log { get { lock (_log) return _log.ToString(); } }
    private string Conf => Path.Combine(Directory, "etc", "smb.conf");

    /// <summary>People of the seeded domain: password = name with a capital + "-Pass-1!".</summary>
    public static string PasswordOf(string user) => char.ToUpperInvariant(user[0]) + user[1..] + "-Pass-1!";

    public static async Task<SambaDcServer> StartAsync()
    {
        foreach (var tool in new[] { "/usr/bin/samba-tool", "/usr/sbin/samba" })
            if (!File.Exists(tool))
                throw new InvalidOperationException($"{tool} is missing: install the Debian packages samba samba-ad-dc samba-ad-provision samba-dsdb-modules (scripts/test.sh does) to run the Active Directory tests.");
        if (Environment.UserName != "root")
            throw new InvalidOperationException("The Samba AD DC listens on ports 389/636 and must run as root (CI runs the tests as root).");
        var s = new SambaDcServer();
        await StopLeftoversAsync();
        if (PortTaken(389) || PortTaken(636))
            throw new InvalidOperationException("Port 389 or 636 is taken by another LDAP server (not a DC of these tests): stop it to run the Active Directory tests.");
        await s.ProvisionAsync();
        await s.RunAsync();
        return s;
    }

    /// <summary>A DC of an earlier, killed run still holds 389: stop it (only ours, found by its folder).</summary>
    private static async Task StopLeftoversAsync()
    {
        foreach (var p in Process.GetProcessesByName("samba"))
        {
            try { if (File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(FolderPrefix)) { p.Kill(true); await p.WaitForExitAsync(); } }
            catch (IOException) { } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
        }
    }

    private async Task ProvisionAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        await Exec("samba-tool", $"domain provision --realm={Realm} --domain={NetbiosDomain} --server-role=dc --dns-backend=NONE --use-rfc2307 "
            + $"--adminpass={AdminPassword} --targetdir={Directory} --option=\"interfaces=lo\" --option=\"bind interfaces only=yes\" --option=\"server services=ldap\"");
        // Options provision does not write: allow simple binds without TLS, and keep the pid file in our folder.
        var run = Path.Combine(Directory, "run");
        System.IO.Directory.CreateDirectory(run);
        var conf = await File.ReadAllTextAsync(Conf);
        conf = conf.Replace("[global]\n", $"[global]\n\tldap server require strong auth = no\n\tpid directory = {run}\n\tlog file = {Directory}/log.%m\n");
        await File.WriteAllTextAsync(Conf, conf);

        // Seed offline (samba-tool writes the database directly, before the DC runs).
        await Tool("domain passwordsettings set --account-lockout-threshold=3 --complexity=off");
        foreach (var user in new[] { "alice", "bob", "carol", "dave", "erin", "frank" })
            await Tool($"user create {user} {PasswordOf(user)} --given-name={char.ToUpperInvariant(user[0]) + user[1..]} --surname=Ad --mail-address={user}@{DnsDomain}");
        await Tool("user disable bob");
        await Tool("user setexpiry dave --days=0");
        await Tool("user create carol2 " + PasswordOf("carol2") + " --must-change-at-next-login");
        await Tool("group add staff");
        await Tool("group add team-a");
        await Tool("group add interns");
        await Tool("group addmembers staff team-a,frank");
        await Tool("group addmembers team-a alice,bob,erin");
        await Tool("group addmembers interns erin");
    }

    private static bool PortTaken(int port)
    {
        try { using var c = new TcpClient(); c.Connect(IPAddress.Loopback, port); return true; }
        catch (SocketException) { return false; }
    }

    private Task Tool(string arguments) => Exec("samba-tool", $"{arguments} -s {Conf}");

    private async Task RunAsync()
    {
        var start = new ProcessStartInfo("/usr/sbin/samba", $"-i -M single -s {Conf}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = Directory,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException("samba exited: " + Log);
            try
            {
                using var probe = Admin();
                // Ours, not an impostor on the same port: the seeded domain answers.
                var r = (SearchResponse)probe.SendRequest(new SearchRequest(UsersDn, "(sAMAccountName=carol2)", SearchScope.OneLevel, "sAMAccountName"));
                if (r.Entries.Count != 1) throw new InvalidOperationException("The LDAP server on port 389 is not the DC these tests provisioned.");
                return;
            }
            catch (LdapException) { await Task.Delay(250); }
        }
        throw new TimeoutException("The Samba DC did not answer LDAP within 60 s: " + Log);
    }

    /// <summary>A connection bound as the domain Administrator, for arranging entries in tests.</summary>
    public LdapConnection Admin()
    {
        var c = new LdapConnection(new LdapDirectoryIdentifier(Host, Port)) { AuthType = AuthType.Basic, Timeout = TimeSpan.FromSeconds(10) };
        c.SessionOptions.ProtocolVersion = 3;
        c.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        c.Bind(new NetworkCredential(AdminUpn, AdminPassword));
        return c;
    }

    public void Modify(string dn, DirectoryAttributeOperation op, string attribute, params string[] values)
    {
        using var c = Admin();
        c.SendRequest(new ModifyRequest(dn, op, attribute, values));
    }

    private async Task Exec(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Directory };
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed ({p.ExitCode}): {await stderr}{await stdout}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
