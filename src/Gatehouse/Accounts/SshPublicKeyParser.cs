using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Gatehouse.Accounts;

public sealed record ParsedSshKey(string Algorithm, int Bits, string Normalized, string Comment, string FingerprintMd5, string FingerprintSha256);

/// <summary>
/// Parses one OpenSSH public key line (<c>type base64 [comment]</c>, RFC 4253 §6.6, RFC 5656, RFC 8709):
/// ed25519, ecdsa P-256/384/521 and RSA of at least 2048 bits. The blob is decoded field by field,
/// so a key whose type prefix and contents disagree is refused.
/// </summary>
public static class SshPublicKeyParser
{
    public static ParsedSshKey? TryParse(string? line, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(line)) { error = "is empty"; return null; }
        if (line.Length > 16384) { error = "is too long"; return null; }
        var parts = line.Trim().Split((char[])[' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2) { error = "must be in OpenSSH format: \"ssh-ed25519 AAAA… comment\""; return null; }
        byte[] blob;
        try { blob = Convert.FromBase64String(parts[1]); }
        catch (FormatException) { error = "has invalid base64 key data"; return null; }

        var reader = new SshReader(blob);
        if (!reader.TryString(out var typeBytes)) { error = "has truncated key data"; return null; }
        var type = System.Text.Encoding.ASCII.GetString(typeBytes);
        if (type != parts[0]) { error = $"declares {parts[0]} but contains a {type} key"; return null; }

        int bits;
        switch (type)
        {
            case "ssh-ed25519":
                if (!reader.TryString(out var pk) || pk.Length != 32) { error = "has an invalid ed25519 key"; return null; }
                bits = 256;
                break;
            case "ssh-rsa":
                if (!reader.TryString(out var e) || !reader.TryString(out var n) || e.Length == 0 || n.Length == 0)
                { error = "has an invalid RSA key"; return null; }
                var modulus = new BigInteger(n, isUnsigned: true, isBigEndian: true);
                bits = (int)modulus.GetBitLength();
                if (bits < 2048) { error = $"is an RSA key of {bits} bits; at least 2048 are required"; return null; }
                if (bits > 16384) { error = "is an RSA key that is too large"; return null; }
                break;
            case "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521":
                var curve = type[^8..];
                var coord = curve switch { "nistp256" => 32, "nistp384" => 48, _ => 66 };
                if (!reader.TryString(out var curveName) || System.Text.Encoding.ASCII.GetString(curveName) != curve
                    || !reader.TryString(out var q) || q.Length != 1 + 2 * coord || q[0] != 0x04)
                { error = "has an invalid ECDSA key"; return null; }
                if (!IsOnCurve(curve, q, coord)) { error = "has an ECDSA point that is not on its curve"; return null; }
                bits = curve switch { "nistp256" => 256, "nistp384" => 384, _ => 521 };
                break;
            default:
                error = $"uses the unsupported key type \"{type}\" (use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa)";
                return null;
        }
        if (!reader.AtEnd) { error = "has trailing data after the key"; return null; }

        var md5 = string.Join(':', MD5.HashData(blob).Select(b => b.ToString("x2")));
        var sha = Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
        var comment = parts.Length > 2 ? parts[2].Trim() : "";
        return new ParsedSshKey(type, bits, $"{type} {Convert.ToBase64String(blob)}", comment, md5, sha);
    }

    private static bool IsOnCurve(string curve, byte[] q, int coord)
    {
        try
        {
            var named = curve switch { "nistp256" => ECCurve.NamedCurves.nistP256, "nistp384" => ECCurve.NamedCurves.nistP384, _ => ECCurve.NamedCurves.nistP521 };
            using var ec = ECDsa.Create(new ECParameters { Curve = named, Q = new ECPoint { X = q[1..(1 + coord)], Y = q[(1 + coord)..] } });
            return true;
        }
        catch (CryptographicException) { return false; }
    }

    private ref struct SshReader(byte[] data)
    {
        private int _pos;
        public readonly bool AtEnd => _pos == data.Length;

        public bool TryString(out byte[] value)
        {
            value = [];
            if (data.Length - _pos < 4) return false;
            var len = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(_pos));
            if (len > (uint)(data.Length - _pos - 4)) return false;
            value = data.AsSpan(_pos + 4, (int)len).ToArray();
            _pos += 4 + (int)len;
            return true;
        }
    }
}
