using System.DirectoryServices.Protocols;

namespace Gatehouse.Ldap;

/// <summary>A directory entry copied out of S.DS.P: DN and attributes by lower-cased name (strings; objectGUID as bytes).</summary>
public sealed record LdapEntry(string Dn, IReadOnlyDictionary<string, string[]> Attributes, byte[]? ObjectGuid)
{
    public static LdapEntry From(SearchResultEntry e)
    {
        var attrs = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        byte[]? guid = null;
        foreach (string name in e.Attributes.AttributeNames)
        {
            var a = e.Attributes[name];
            if (name.Equals("objectGUID", StringComparison.OrdinalIgnoreCase))
            {
                guid = a.GetValues(typeof(byte[])).OfType<byte[]>().FirstOrDefault();
                continue;
            }
            attrs[name] = a.GetValues(typeof(string)).OfType<string>().ToArray();
        }
        return new LdapEntry(e.DistinguishedName, attrs, guid);
    }

    public string? First(string name) => Attributes.TryGetValue(name, out var v) && v.Length > 0 ? v[0] : null;

    public IReadOnlyList<string> All(string name) => Attributes.TryGetValue(name, out var v) ? v : [];

    /// <summary>The immutable key: objectGUID as a GUID string (AD's byte order), else entryUUID.</summary>
    public string? Key(bool activeDirectory) =>
        activeDirectory ? (ObjectGuid is { Length: 16 } g ? new Guid(g).ToString() : null) : First("entryUUID")?.ToLowerInvariant();

    /// <summary>A filter that finds exactly this key again (RFC 4515 escaping of the GUID bytes or the UUID).</summary>
    public static string KeyFilter(bool activeDirectory, string key) => activeDirectory
        ? (Guid.TryParse(key, out var g) ? $"(objectGUID={LdapEscaping.FilterBytes(g.ToByteArray())})" : "(objectGUID=\\00)")
        : $"(entryUUID={LdapEscaping.FilterValue(key)})";
}
