using System.Linq.Expressions;
using System.Text.Json.Serialization;

namespace Gatehouse.Accounts;

/// <summary>The Files.com <c>ApiKey</c> object. <c>key</c> is present only in the answer to the create that made it.</summary>
public sealed record ApiKeyJson(
    long Id, string DescriptiveLabel, string? Description, DateTime CreatedAt, DateTime? ExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key,
    DateTime? LastUseAt, string Name, string PermissionSet, string? Platform, string? Url, long UserId)
{
    public static Expression<Func<ApiKey, ApiKeyJson>> Projection => k => new ApiKeyJson(
        k.Id, k.DescriptiveLabel, k.Description, k.CreatedAt, k.ExpiresAt, null, k.LastUseAt, k.Name, k.PermissionSet, null, null, k.UserId);

    public static ApiKeyJson From(ApiKey k, string? key = null) =>
        new(k.Id, k.DescriptiveLabel, k.Description, k.CreatedAt, k.ExpiresAt, key, k.LastUseAt, k.Name, k.PermissionSet, null, null, k.UserId);
}
