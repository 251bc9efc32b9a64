using Gatehouse.Sessions;

namespace Gatehouse.Accounts;

public static class ApiKeys
{
    /// <summary>A new key for a user: returns the entity (hash only) and the key, which is shown once.</summary>
    public static (ApiKey Entity, string Key) New(User user, string name, DateTime now, string? description = null, DateTime? expiresAt = null, string permissionSet = "full")
    {
        var key = "gh_" + SessionTokens.New(24);
        var entity = new ApiKey
        {
            User = user,
            SiteId = user.SiteId,
            Name = name,
            Description = description,
            DescriptiveLabel = key[..9] + "…",
            KeyHash = SessionTokens.Hash(key),
            PermissionSet = permissionSet,
            ExpiresAt = expiresAt,
            CreatedAt = now,
        };
        return (entity, key);
    }
}
