using System.Text;

namespace Gatehouse.Ldap;

/// <summary>
/// Puts untrusted values into LDAP filters and DNs. Every value from a user, a username field or a directory entry
/// goes through here; none is concatenated raw (security catalogue L2 filter injection, L3 DN injection).
/// </summary>
public static class LdapEscaping
{
    /// <summary>
    /// An assertion value in a search filter (RFC 4515 §3): <c>*</c> <c>(</c> <c>)</c> <c>\</c> NUL become <c>\2a</c>
    /// <c>\28</c> <c>\29</c> <c>\5c</c> <c>\00</c>. Non-ASCII is escaped byte by byte as UTF-8 too, so no server-side
    /// decoding quirk can turn it into a metacharacter.
    /// </summary>
    public static string FilterValue(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (byte)'*' or (byte)'(' or (byte)')' or (byte)'\\' or 0 || b >= 0x80 || b < 0x20)
                sb.Append('\\').Append(b.ToString("x2"));
            else sb.Append((char)b);
        }
        return sb.ToString();
    }

    /// <summary>Binary value (AD's objectGUID) in a filter: every byte as <c>\xx</c> (RFC 4515 §3).</summary>
    public static string FilterBytes(ReadOnlySpan<byte> value)
    {
        var sb = new StringBuilder(value.Length * 3);
        foreach (var b in value) sb.Append('\\').Append(b.ToString("x2"));
        return sb.ToString();
    }

    /// <summary>
    /// An attribute value inside a DN (RFC 4514 §2.4): <c>, + " \ &lt; &gt; ;</c> escaped with a backslash, a leading
    /// space or <c>#</c> and a trailing space escaped, NUL as <c>\00</c>; so <c>admin,OU=Admins</c> stays one value.
    /// </summary>
    public static string DnValue(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' || (i == 0 && c is ' ' or '#') || (i == value.Length - 1 && c == ' '))
                sb.Append('\\').Append(c);
            else if (c == '\0') sb.Append("\\00");
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// The value of the first RDN of a DN (<c>cn=R&amp;D\2C Europe,ou=groups</c> → <c>R&amp;D, Europe</c>), unescaped per
    /// RFC 4514 §3; used to name groups by their <c>cn</c> when the entry's attribute was not read.
    /// </summary>
    public static string? FirstRdnValue(string dn)
    {
        var rdns = SplitRdns(dn);
        if (rdns.Count == 0) return null;
        var eq = rdns[0].IndexOf('=');
        return eq < 0 ? null : Unescape(rdns[0][(eq + 1)..]).Trim();
    }

    /// <summary>
    /// One spelling per DN for comparing (memberOf values against entry DNs): attribute types and values lower-cased,
    /// spaces around separators dropped, every escape decoded and re-escaped the same way (<c>\2C</c> = <c>\,</c>).
    /// </summary>
    public static string NormalizeDn(string dn) =>
        string.Join(',', SplitRdns(dn).Select(rdn =>
        {
            var eq = rdn.IndexOf('=');
            return eq < 0 ? rdn.Trim().ToLowerInvariant()
                : rdn[..eq].Trim().ToLowerInvariant() + "=" + DnValue(Unescape(rdn[(eq + 1)..]).Trim()).ToLowerInvariant();
        }));

    private static List<string> SplitRdns(string dn)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < dn.Length; i++)
        {
            var c = dn[i];
            if (c == '\\' && i + 1 < dn.Length) { current.Append(c).Append(dn[++i]); continue; }
            if (c == ',') { parts.Add(current.ToString()); current.Clear(); continue; }
            current.Append(c);
        }
        if (current.Length > 0 || parts.Count > 0) parts.Add(current.ToString());
        return parts;
    }

    private static string Unescape(string value)
    {
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length)
            {
                if (i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
                {
                    bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                    i += 2;
                    continue;
                }
                c = value[++i];
            }
            bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
