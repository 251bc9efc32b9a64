using System.DirectoryServices.Protocols;
using Gatehouse.Providers;

namespace Gatehouse.Ldap;

public sealed record TestStep(string Step, string Status, string Message);

/// <param name="Ok">True when every step passed.</param>
public sealed record TestConnectionReport(bool Ok, string? Host, IReadOnlyList<TestStep> Steps);

/// <summary>
/// "Test connection": reports each step — connect, TLS, bind (service account), search (base DN, users, groups) —
/// with a message that says what to fix. Hosts are tried in order like a sign-in would. Sends only the service account's
/// credentials, and only after TLS succeeded.
/// </summary>
public sealed class LdapTestConnection(LdapConnector connector, ProviderSecrets secrets)
{
    public async Task<TestConnectionReport> RunAsync(SsoStrategy strategy, string? sampleUsername, CancellationToken ct)
    {
        var steps = new List<TestStep>();
        var s = LdapSettings.From(strategy, secrets, out var problem);
        if (s is null) return new(false, null, [new("settings", "failed", problem!)]);
        var o = connector.Options;
        var roots = LdapCaStore.Certificates(s.CaBundlePem);

        // 1–2. Connect and TLS, per host, with the managed probe (precise reasons); the first host that passes is used.
        string? chosen = null;
        foreach (var host in s.Hosts)
        {
            var probe = await TlsProbe.ProbeAsync(host, s.Port, s.Transport, roots, o.ConnectTimeout, ct);
            steps.Add(new("connect", probe.Connected ? "ok" : "failed", probe.Connected ? $"Connected to {host}:{s.Port}." : probe.Message));
            if (!probe.Connected) continue;
            if (s.Transport == LdapTransport.Plain)
                steps.Add(new("tls", o.AllowPlaintext == true ? "skipped" : "failed", o.AllowPlaintext == true
                    ? "No TLS (neither LDAPS nor StartTLS): passwords cross the network in clear. Use only on a trusted network."
                    : "TLS is required: turn on LDAPS (ldap_secure) or StartTLS (ldap_start_tls)."));
            else steps.Add(new("tls", probe.TlsOk == true ? "ok" : "failed", probe.Message));
            if (probe.TlsOk == true || (s.Transport == LdapTransport.Plain && o.AllowPlaintext == true)) { chosen = host; break; }
        }
        if (chosen is null) return new(false, null, steps);

        // 3–4. Bind and search with the directory library the sign-ins use.
        var only = s with { Hosts = [chosen] };
        var (done, host2) = await Task.Run(() => BindAndSearch(only, sampleUsername, steps, ct), ct).WaitAsync(o.CheckDeadline + o.OperationTimeout * 3, ct);
        return new(done, host2 ?? chosen, steps);
    }

    private (bool, string?) BindAndSearch(LdapSettings s, string? sampleUsername, List<TestStep> steps, CancellationToken ct)
    {
        var (c, host, failure) = connector.Open(s, ct);
        if (c is null) { steps.Add(new(failure!.Step, "failed", failure.Message)); return (false, null); }
        using (c)
        {
            if (!s.HasServiceAccount)
            {
                steps.Add(new("bind", "skipped", "No service account (ldap_username): users bind directly; directory sync is not possible."));
                return (true, host);
            }
            try { LdapConnector.Bind(c, s.ServiceUsername!, s.ServicePassword!); steps.Add(new("bind", "ok", $"Bound as {s.ServiceUsername}.")); }
            catch (LdapException e)
            {
                steps.Add(new("bind", "failed", e.ErrorCode == 49
                    ? $"The directory refused the service account {s.ServiceUsername}: check ldap_username (a DN, or for AD user@domain) and ldap_password."
                    : $"Bind failed: {e.Message}"));
                return (false, host);
            }
            try
            {
                var users = connector.Search(c, s.BaseDn, SearchScope.Subtree, s.UserObjectFilter, [s.UsernameField], max: 1_000_000).Take(1000).Count();
                var groups = connector.Search(c, s.BaseDn, SearchScope.Subtree, s.GroupObjectFilter, ["cn"], max: 1_000_000).Take(1000).Count();
                var message = $"Base DN {s.BaseDn}: {(users >= 1000 ? "1000 or more" : users)} user(s), {(groups >= 1000 ? "1000 or more" : groups)} group(s) visible.";
                if (!string.IsNullOrWhiteSpace(sampleUsername))
                {
                    var found = LdapPasswordCheck.FindUser(c, s, sampleUsername.Trim(), null);
                    message += found.Count switch
                    {
                        0 => $" No entry has {s.UsernameField}={sampleUsername}.",
                        1 => $" {sampleUsername} is {found[0].Dn}.",
                        _ => $" More than one entry has {s.UsernameField}={sampleUsername}: sign-in would refuse it.",
                    };
                }
                steps.Add(new("search", users > 0 ? "ok" : "failed", users > 0 ? message
                    : message + $" No users found: check ldap_base_dn, and that the service account may read it."));
                return (users > 0, host);
            }
            catch (DirectoryOperationException e)
            {
                steps.Add(new("search", "failed", e.Response?.ResultCode == ResultCode.NoSuchObject
                    ? $"The base DN {s.BaseDn} does not exist (or the service account may not see it)."
                    : $"Search failed: {e.Response?.ResultCode} {e.Response?.ErrorMessage}"));
                return (false, host);
            }
            catch (LdapException e)
            {
                steps.Add(new("search", "failed", $"Search failed: {e.Message}"));
                return (false, host);
            }
        }
    }
}
