namespace Gatehouse.Tenancy;

/// <summary>A tenant: one file-sharing site at <c>{Subdomain}.{BaseDomain}</c>.</summary>
public sealed class Site
{
    public long Id { get; set; }
    public required string Subdomain { get; set; }
    public required string Plan { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Marks an entity that belongs to one site; the DbContext filters and stamps it.</summary>
public interface ISiteScoped
{
    long SiteId { get; set; }
}
