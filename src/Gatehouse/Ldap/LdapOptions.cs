namespace Gatehouse.Ldap;

/// <summary>Process-wide LDAP settings (<c>Gatehouse:Ldap</c>). Per-site provider settings are data on the SsoStrategy.</summary>
public sealed class LdapOptions
{
    public const string Section = "Gatehouse:Ldap";

    /// <summary>TCP connect (and TLS handshake) per host before failing over to the next one.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);
    /// <summary>Each LDAP operation (bind, search page); also sent to the server as the search time limit.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Whole password check, all hosts included: a hung directory never holds a sign-in longer.</summary>
    public TimeSpan CheckDeadline { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Concurrent directory operations per site; more wait, then fail as "directory busy" (security catalogue L6).</summary>
    public int MaxConcurrentPerSite { get; set; } = 8;
    /// <summary>
    /// Allows LDAP without TLS (neither LDAPS nor StartTLS). Default: only in Development, where tests and demos run a
    /// directory on loopback. Elsewhere passwords never cross the network in clear (security catalogue L4).
    /// </summary>
    public bool? AllowPlaintext { get; set; }

    /// <summary>Directory sync runs on a schedule for providers that provision users (premier plan).</summary>
    public bool ScheduledSync { get; set; } = true;
    /// <summary>How often a provider is synced (Files.com: hourly).</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How often the scheduler looks for providers that are due.</summary>
    public TimeSpan SchedulerTick { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>A run that would disable more than this share of the provider's enabled users is held for approval.</summary>
    public double MaxDisableShare { get; set; } = 0.2;
    /// <summary>Page size of paged searches (RFC 2696); AD's MaxPageSize is 1000.</summary>
    public int PageSize { get; set; } = 500;
    /// <summary>Upper bound of entries one sync reads, so a wrong base DN cannot exhaust memory.</summary>
    public int MaxEntries { get; set; } = 200_000;

    public IEnumerable<string> Problems()
    {
        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromMinutes(1)) yield return "Gatehouse:Ldap:ConnectTimeout must be between 0 and 1 minute.";
        if (OperationTimeout <= TimeSpan.Zero || OperationTimeout > TimeSpan.FromMinutes(5)) yield return "Gatehouse:Ldap:OperationTimeout must be between 0 and 5 minutes.";
        if (CheckDeadline < ConnectTimeout) yield return "Gatehouse:Ldap:CheckDeadline must be at least ConnectTimeout.";
        if (MaxConcurrentPerSite < 1) yield return "Gatehouse:Ldap:MaxConcurrentPerSite must be at least 1.";
        if (SyncInterval < TimeSpan.FromMinutes(1)) yield return "Gatehouse:Ldap:SyncInterval must be at least one minute.";
        if (SchedulerTick <= TimeSpan.Zero) yield return "Gatehouse:Ldap:SchedulerTick must be positive.";
        if (MaxDisableShare is < 0 or > 1) yield return "Gatehouse:Ldap:MaxDisableShare must be between 0 and 1 (e.g. 0.2 for 20%).";
        if (PageSize is < 1 or > 5000) yield return "Gatehouse:Ldap:PageSize must be between 1 and 5000.";
        if (MaxEntries < 1) yield return "Gatehouse:Ldap:MaxEntries must be positive.";
    }
}
