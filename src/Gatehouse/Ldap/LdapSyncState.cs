using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Providers;

namespace Gatehouse.Ldap;

/// <summary>Counts and notes of one sync run (the API answer, the sso_event body, and the provider's last-run status).</summary>
public sealed record LdapSyncSummary
{
    [JsonPropertyName("status")] public string Status { get; set; } = "completed"; // completed, held, failed
    [JsonPropertyName("trigger")] public string Trigger { get; set; } = "manual";
    [JsonPropertyName("started_at")] public DateTime StartedAt { get; set; }
    [JsonPropertyName("finished_at")] public DateTime? FinishedAt { get; set; }
    [JsonPropertyName("host")] public string? Host { get; set; }
    [JsonPropertyName("directory_users")] public int DirectoryUsers { get; set; }
    [JsonPropertyName("in_scope")] public int InScope { get; set; }
    [JsonPropertyName("created")] public int Created { get; set; }
    [JsonPropertyName("updated")] public int Updated { get; set; }
    [JsonPropertyName("renamed")] public int Renamed { get; set; }
    [JsonPropertyName("enabled")] public int Enabled { get; set; }
    [JsonPropertyName("disabled")] public int Disabled { get; set; }
    [JsonPropertyName("deleted")] public int Deleted { get; set; }
    [JsonPropertyName("would_disable")] public int WouldDisable { get; set; }
    [JsonPropertyName("groups_created")] public int GroupsCreated { get; set; }
    [JsonPropertyName("memberships_added")] public int MembershipsAdded { get; set; }
    [JsonPropertyName("memberships_removed")] public int MembershipsRemoved { get; set; }
    [JsonPropertyName("skipped")] public int Skipped { get; set; }
    [JsonPropertyName("conflicts")] public int Conflicts { get; set; }
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("messages")] public List<string> Messages { get; set; } = [];

    public void Note(string message) { if (Messages.Count < 50) Messages.Add(message); }
}

/// <summary>A run stopped by the circuit breaker: who it would disable, until an admin approves or a later run no longer would.</summary>
public sealed record LdapHeldRun
{
    [JsonPropertyName("id")] public string Id { get; set; } = Guid.NewGuid().ToString("N");
    [JsonPropertyName("held_at")] public DateTime HeldAt { get; set; }
    [JsonPropertyName("enabled_users")] public int EnabledUsers { get; set; }
    [JsonPropertyName("would_disable_user_ids")] public List<long> WouldDisableUserIds { get; set; } = [];
    [JsonPropertyName("would_disable_usernames")] public List<string> WouldDisableUsernames { get; set; } = [];
    [JsonPropertyName("max_disable_share")] public double MaxDisableShare { get; set; }
}

/// <summary>
/// The LDAP provider's sync state, kept in <see cref="SsoStrategy.ProtocolCacheJson"/> (the protocol's own JSON: no
/// schema change); <see cref="SsoStrategy.ProtocolCacheRefreshAt"/> is the next scheduled run.
/// </summary>
public sealed record LdapSyncState
{
    [JsonPropertyName("last_run")] public LdapSyncSummary? LastRun { get; set; }
    [JsonPropertyName("held_run")] public LdapHeldRun? HeldRun { get; set; }
    /// <summary>Users this provider's sync disabled: only these are enabled again when they return (never an admin's choice).</summary>
    [JsonPropertyName("disabled_by_sync")] public List<long> DisabledBySync { get; set; } = [];
    /// <summary>Gatehouse groups whose memberships this provider manages (deprovision_groups removes only from these).</summary>
    [JsonPropertyName("managed_group_ids")] public List<long> ManagedGroupIds { get; set; } = [];

    public static LdapSyncState Read(SsoStrategy s)
    {
        if (string.IsNullOrEmpty(s.ProtocolCacheJson)) return new();
        try { return JsonSerializer.Deserialize<LdapSyncState>(s.ProtocolCacheJson) ?? new(); }
        catch (JsonException) { return new(); }
    }

    public void Write(SsoStrategy s) => s.ProtocolCacheJson = JsonSerializer.Serialize(this);
}
