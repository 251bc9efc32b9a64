using Gatehouse.Tenancy;

namespace Gatehouse.Providers;

/// <summary>
/// A user's authorized link to an identity at one provider: (issuer, subject) is the IdP's immutable key
/// (persistent NameID, OIDC <c>sub</c>, objectGUID). Later sign-ins resolve the user through it, not through a
/// username that can be renamed or reassigned.
/// </summary>
public sealed class SsoIdentityLink : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long UserId { get; set; }
    public long SsoStrategyId { get; set; }
    public required string Issuer { get; set; }
    public required string Subject { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}

/// <summary>
/// Short-lived, single-use server-side state of a browser flow (SAML request ID and RelayState, OIDC
/// state/nonce/PKCE verifier, a sign-in awaiting "Authorize"). The browser carries only a random handle;
/// its hash is the key. Kept in the database so any node can finish a flow another node started.
/// </summary>
public sealed class SsoFlowState : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long? SsoStrategyId { get; set; }
    /// <summary>e.g. <c>saml_request</c>, <c>oidc_request</c>, <c>authorize</c>.</summary>
    public required string Kind { get; set; }
    public required byte[] HandleHash { get; set; }
    /// <summary>Flow data as Data Protection ciphertext (it may hold a PKCE verifier or a nonce).</summary>
    public required string DataProtected { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? ConsumedAt { get; set; }
}

/// <summary>Replay cache: a key (SAML assertion ID, OIDC code or jti) seen once, kept until it would expire anyway.</summary>
public sealed class ReplayCacheEntry
{
    public long Id { get; set; }
    /// <summary>Scoped by the caller, e.g. <c>saml:{strategyId}:{assertionId}</c>.</summary>
    public required string Key { get; set; }
    public DateTime ExpiresAt { get; set; }
}
