namespace Gatehouse.Saml;

/// <summary>Process-wide SAML settings under <c>Gatehouse:Saml</c> (per-provider settings are data).</summary>
public sealed class SamlOptions
{
    public const string Section = "Gatehouse:Saml";

    /// <summary>How often the background service looks for metadata that is due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Refresh interval when the metadata states no cacheDuration.</summary>
    public TimeSpan DefaultRefreshInterval { get; set; } = TimeSpan.FromHours(6);
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan MaxRefreshInterval { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan RetryAfterFailure { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>How long a refused response is kept (redacted) in its sso_event for diagnostics.</summary>
    public TimeSpan RawResponseRetention { get; set; } = TimeSpan.FromDays(7);
    /// <summary>Lifetime of an SP-initiated request (AuthnRequest ID + RelayState handle).</summary>
    public TimeSpan RequestLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<string> Problems()
    {
        if (PollInterval < TimeSpan.FromSeconds(1)) yield return "Gatehouse:Saml:PollInterval must be at least 1 second.";
        if (MinRefreshInterval <= TimeSpan.Zero || MinRefreshInterval > MaxRefreshInterval) yield return "Gatehouse:Saml:MinRefreshInterval must be positive and at most MaxRefreshInterval.";
        if (DefaultRefreshInterval <= TimeSpan.Zero) yield return "Gatehouse:Saml:DefaultRefreshInterval must be positive.";
        if (RetryAfterFailure <= TimeSpan.Zero) yield return "Gatehouse:Saml:RetryAfterFailure must be positive.";
        if (RequestLifetime < TimeSpan.FromMinutes(1)) yield return "Gatehouse:Saml:RequestLifetime must be at least 1 minute.";
    }
}
