using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace Gatehouse.Accounts;

/// <summary>
/// Our hashes are ASP.NET Core Identity's (PBKDF2-HMAC-SHA512, 100,000 iterations, v3 format).
/// Imported hashes from other systems are verified here and replaced on first successful sign-in.
/// </summary>
public sealed class PasswordHashing
{
    private readonly PasswordHasher<User> _hasher = new();
    // A fixed hash checked when the user does not exist, so unknown and known users cost the same time.
    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(null!, "gatehouse-dummy-password");

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    /// <returns>Whether it matched, and whether the stored hash should be replaced with a fresh one.</returns>
    public (bool Ok, bool Rehash) Verify(string hash, string password)
    {
        var r = _hasher.VerifyHashedPassword(null!, hash, password);
        return (r != PasswordVerificationResult.Failed, r == PasswordVerificationResult.SuccessRehashNeeded);
    }

    public void BurnTime(string password) => _hasher.VerifyHashedPassword(null!, DummyHash, password);
}

/// <summary>
/// Hash formats accepted in <c>imported_password_hash</c>:
/// <list type="bullet">
/// <item>bcrypt: <c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c></item>
/// <item>PBKDF2-SHA256, Django form: <c>pbkdf2_sha256$ITER$SALT$BASE64HASH</c></item>
/// <item>PBKDF2-SHA256, passlib form: <c>$pbkdf2-sha256$ITER$AB64SALT$AB64HASH</c></item>
/// <item>salted SHA-256: <c>sha256$SALT$HEXDIGEST</c> where the digest is SHA-256(SALT + password)</item>
/// </list>
/// </summary>
public static class ImportedPasswordHash
{
    public static bool IsKnownFormat(string hash) => Detect(hash) is not null;

    public static string? Detect(string hash)
    {
        if (string.IsNullOrEmpty(hash) || hash.Length > 512) return null;
        if ((hash.StartsWith("$2a$") || hash.StartsWith("$2b$") || hash.StartsWith("$2y$")) && hash.Length == 60) return "bcrypt";
        var parts = hash.Split('$');
        if (parts is ["pbkdf2_sha256", var it, var salt, var h] && int.TryParse(it, out var n) && n > 0 && salt.Length > 0 && TryB64(h, out _)) return "pbkdf2_sha256";
        if (parts is ["", "pbkdf2-sha256", var it2, var s2, var h2] && int.TryParse(it2, out var n2) && n2 > 0 && TryAb64(s2, out _) && TryAb64(h2, out _)) return "passlib_pbkdf2_sha256";
        if (parts is ["sha256", var salt3, var hex] && hex.Length == 64 && IsHex(hex)) return "salted_sha256";
        return null;
    }

    public static bool Verify(string hash, string password)
    {
        switch (Detect(hash))
        {
            case "bcrypt":
                try { return BCrypt.Net.BCrypt.Verify(password, hash); }
                catch (BCrypt.Net.SaltParseException) { return false; }
            case "pbkdf2_sha256":
            {
                var p = hash.Split('$');
                var expected = Convert.FromBase64String(p[3]);
                var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(p[2]),
                    Math.Min(int.Parse(p[1]), 10_000_000), HashAlgorithmName.SHA256, expected.Length);
                return CryptographicOperations.FixedTimeEquals(expected, actual);
            }
            case "passlib_pbkdf2_sha256":
            {
                var p = hash.Split('$');
                TryAb64(p[3], out var salt); TryAb64(p[4], out var expected);
                var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt!,
                    Math.Min(int.Parse(p[2]), 10_000_000), HashAlgorithmName.SHA256, expected!.Length);
                return CryptographicOperations.FixedTimeEquals(expected, actual);
            }
            case "salted_sha256":
            {
                var p = hash.Split('$');
                var actual = SHA256.HashData(Encoding.UTF8.GetBytes(p[1] + password));
                return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(p[2]), actual);
            }
            default:
                return false;
        }
    }

    private static bool IsHex(string s) => s.All(Uri.IsHexDigit);

    private static bool TryB64(string s, out byte[]? bytes)
    {
        bytes = null;
        try { bytes = Convert.FromBase64String(s); return bytes.Length >= 16; } catch (FormatException) { return false; }
    }

    // passlib's "adapted base64": '.' instead of '+', no padding.
    private static bool TryAb64(string s, out byte[]? bytes)
    {
        var b = s.Replace('.', '+');
        b += new string('=', (4 - b.Length % 4) % 4);
        return TryB64Any(b, out bytes);
    }

    private static bool TryB64Any(string s, out byte[]? bytes)
    {
        bytes = null;
        try { bytes = Convert.FromBase64String(s); return bytes.Length > 0; } catch (FormatException) { return false; }
    }
}
