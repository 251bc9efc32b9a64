using Microsoft.AspNetCore.DataProtection;

namespace Gatehouse.Providers;

/// <summary>
/// Encrypts provider secrets (OIDC client secret, LDAP bind password) at rest with ASP.NET Data Protection,
/// whose key ring lives in the database so every node can decrypt.
/// </summary>
public sealed class ProviderSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Gatehouse.Providers.Secrets.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
