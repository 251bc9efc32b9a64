using System.Linq.Expressions;

namespace Gatehouse.Accounts;

/// <summary>The Files.com <c>Group</c> object; member lists are comma-separated strings, as Files.com sends them.</summary>
public sealed record GroupJson(long Id, string Name, string? Notes, string UserIds, string Usernames, string AdminIds)
{
    /// <summary>One query per page, member lists aggregated in the database.</summary>
    public static Expression<Func<Group, GroupJson>> Projection => g => new GroupJson(
        g.Id, g.Name, g.Notes,
        string.Join(",", g.Members.OrderBy(m => m.UserId).Select(m => m.UserId)),
        string.Join(",", g.Members.OrderBy(m => m.UserId).Select(m => m.User.Username)),
        string.Join(",", g.Members.Where(m => m.Admin).OrderBy(m => m.UserId).Select(m => m.UserId)));
}

/// <summary>The Files.com <c>GroupUser</c> object (one membership); <c>usernames</c> lists the group's members.</summary>
public sealed record GroupUserJson(long Id, long GroupId, string GroupName, long UserId, string Username, bool Admin, string Usernames)
{
    public static Expression<Func<GroupUser, GroupUserJson>> Projection => m => new GroupUserJson(
        m.Id, m.GroupId, m.Group.Name, m.UserId, m.User.Username, m.Admin,
        string.Join(",", m.Group.Members.OrderBy(x => x.UserId).Select(x => x.User.Username)));
}
