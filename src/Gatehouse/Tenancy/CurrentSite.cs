namespace Gatehouse.Tenancy;

/// <summary>
/// The site of the current request (or CLI operation). Scoped; set once by
/// <see cref="SiteResolutionMiddleware"/> and read by the DbContext's query filters.
/// </summary>
public sealed class CurrentSite
{
    public Site? Site { get; private set; }
    public long? Id => Site?.Id;

    public void Set(Site site)
    {
        if (Site is not null && Site.Id != site.Id)
            throw new InvalidOperationException("The current site cannot change within one scope.");
        Site = site;
    }

    public Site Required => Site ?? throw new InvalidOperationException("No site is selected for this scope.");
}
