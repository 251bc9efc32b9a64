using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gatehouse.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Ldap;

/// <summary>
/// Turns an uploaded CA bundle (<c>ldap_ca_certificate</c>) into what libldap trusts per connection on Linux: a
/// directory for <c>LdapSessionOptions.TrustedCertificatesDirectory</c> (.NET 10, dotnet/runtime#104260), one file
/// per certificate. It lives under the data directory, never in a shared /tmp where another local user could plant
/// a CA of their own. Debian's libldap (GnuTLS) reads every file in the folder; an OpenSSL-built libldap also wants
/// <c>openssl rehash</c> names, which the system store covers for public CAs.
/// </summary>
public sealed class LdapCaStore(IOptions<GatehouseOptions> options)
{
    private readonly Lock _lock = new();

    public string DirectoryFor(string pemBundle)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pemBundle)))[..32];
        var root = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "ldap-ca");
        var dir = Path.Combine(root, hash);
        if (Directory.Exists(dir)) return dir;
        lock (_lock)
        {
            if (Directory.Exists(dir)) return dir;
            Directory.CreateDirectory(root);
            var staging = Path.Combine(root, "." + hash + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(staging);
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPem(pemBundle);
            var i = 0;
            foreach (var cert in bundle)
                File.WriteAllText(Path.Combine(staging, $"ca-{i++}.pem"), cert.ExportCertificatePem() + "\n");
            try { Directory.Move(staging, dir); }
            catch (IOException) { Directory.Delete(staging, true); } // another node or thread won the race: same content
            return dir;
        }
    }

    public static X509Certificate2Collection? Certificates(string? pemBundle)
    {
        if (string.IsNullOrWhiteSpace(pemBundle)) return null;
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(pemBundle);
        return bundle.Count == 0 ? null : bundle;
    }
}
