namespace Gatehouse.Tenancy;

/// <summary>What each plan allows; bound from <c>Gatehouse:Plans</c> so limits live in configuration.</summary>
public sealed class PlanLimits
{
    public bool Sso { get; set; }
    /// <summary>Maximum SSO providers; null means unlimited.</summary>
    public int? MaxSsoProviders { get; set; }
    public bool JitProvisioning { get; set; }
    public bool Scim { get; set; }
    public bool DirectorySync { get; set; }
}

public sealed class PlanOptions
{
    public const string Section = "Gatehouse:Plans";
    public Dictionary<string, PlanLimits> Plans { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public static class PlanNames
{
    public const string Starter = "starter";
    public const string Power = "power";
    public const string Premier = "premier";
}
