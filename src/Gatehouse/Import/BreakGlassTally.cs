namespace Gatehouse.Import;

/// <summary>
/// Counts the site's break-glass admins (enabled site admins who sign in with a password, see
/// <see cref="Accounts.AdminGuard"/>) as rows are applied, to refuse a file that would leave none.
/// </summary>
public sealed class BreakGlassTally(SiteSnapshot site)
{
    private readonly HashSet<long> _existing = site.Users.Values.Where(u => u.IsBreakGlass).Select(u => u.Id).ToHashSet();
    private readonly int _before = site.Users.Values.Count(u => u.IsBreakGlass);
    private int _new;

    /// <summary>The last line that took a break-glass admin away.</summary>
    public int? LastRemoval { get; private set; }

    public void Apply(RowPlan plan)
    {
        if (plan.Existing is { } e)
        {
            if (e.IsBreakGlass && !plan.IsBreakGlass) { _existing.Remove(e.Id); LastRemoval = plan.Line; }
            else if (!e.IsBreakGlass && plan.IsBreakGlass) _existing.Add(e.Id);
        }
        else if (plan.IsBreakGlass) _new++;
    }

    public bool Holds => _before == 0 || _existing.Count + _new > 0;
}
