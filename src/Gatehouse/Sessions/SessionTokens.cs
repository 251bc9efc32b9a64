using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Sessions;

/// <summary>Random bearer secrets (session ids, API keys) and their stored SHA-256.</summary>
public static class SessionTokens
{
    public static string New(int bytes = 32) =>
        Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();

    /// <summary>
    /// The stored form. Look-up is by this hash through a unique index; the random secret has 256 bits,
    /// so equality on the hash reveals nothing usable about other tokens (no timing oracle on the secret).
    /// </summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
