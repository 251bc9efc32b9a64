namespace Gatehouse.Scim;

/// <summary>
/// Bounds on filter text (security catalogue §5.2): a filter is attacker-controlled input that reaches the
/// database, so length, nesting and clause count are capped before any work is done.
/// </summary>
public sealed record ScimFilterLimits
{
    public static ScimFilterLimits Default { get; } = new();

    /// <summary>Characters; a 1 MB filter is refused before it is scanned.</summary>
    public int MaxLength { get; init; } = 4096;

    /// <summary>Nested parentheses, brackets and <c>not</c>; stops stack exhaustion from <c>((((…))))</c>.</summary>
    public int MaxDepth { get; init; } = 10;

    /// <summary>Attribute comparisons (each <c>attr op value</c> or <c>attr pr</c>), value paths included.</summary>
    public int MaxClauses { get; init; } = 50;
}
