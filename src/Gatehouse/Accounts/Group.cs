using Gatehouse.Tenancy;

namespace Gatehouse.Accounts;

public sealed class Group : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public required string Name { get; set; }
    public required string NameNormalized { get; set; }
    public string? Notes { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<GroupUser> Members { get; set; } = [];
}

/// <summary>A membership (Files.com's <c>group_users</c>).</summary>
public sealed class GroupUser : ISiteScoped
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long GroupId { get; set; }
    public Group Group { get; set; } = null!;
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public bool Admin { get; set; }
}
