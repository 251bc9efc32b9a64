using System.Text.Json.Nodes;

namespace Gatehouse.Scim;

/// <summary>RFC 7644 §3.5.2 operations. Parsed case-insensitively: Entra sends <c>Add</c>/<c>Replace</c>/<c>Remove</c>.</summary>
public enum ScimPatchOperationType { Add, Remove, Replace }

public sealed record ScimPatchOperation(ScimPatchOperationType Op, string? Path, JsonNode? Value);

/// <summary>A validated PATCH body: the PatchOp schema and its list of operations.</summary>
public sealed record ScimPatchRequest(IReadOnlyList<ScimPatchOperation> Operations)
{
    public const string PatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    /// <summary>
    /// Validates the body shape: <c>schemas</c> must contain the PatchOp URN (RFC 7644 §3.5.2), <c>Operations</c> must
    /// be a non-empty array of objects whose <c>op</c> is add, remove or replace in any case. Failures are
    /// <see cref="ScimErrorType.InvalidSyntax"/>; nothing throws.
    /// </summary>
    public static ScimResult<ScimPatchRequest> Parse(JsonNode? body, ScimPatchOptions? options = null)
    {
        options ??= ScimPatchOptions.Default;
        if (body is not JsonObject obj) return ScimError.InvalidSyntax("The PATCH body must be a JSON object.");

        if (JsonNames.Get(obj, "schemas") is not JsonArray schemas
            || !schemas.Any(s => s is JsonValue v && v.TryGetValue<string>(out var urn) && string.Equals(urn, PatchOpSchema, StringComparison.OrdinalIgnoreCase)))
            return ScimError.InvalidSyntax($"The PATCH body must list \"{PatchOpSchema}\" in \"schemas\".");

        if (JsonNames.Get(obj, "Operations") is not JsonArray operations || operations.Count == 0)
            return ScimError.InvalidSyntax("The PATCH body must have a non-empty \"Operations\" array.");
        if (operations.Count > options.MaxOperations)
            return ScimError.InvalidSyntax($"The PATCH body has more than {options.MaxOperations} operations.");

        var parsed = new List<ScimPatchOperation>(operations.Count);
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject operation) return ScimError.InvalidSyntax($"Operation {i} is not a JSON object.");
            var opText = JsonNames.Get(operation, "op") is JsonValue opValue && opValue.TryGetValue<string>(out var text) ? text : null;
            ScimPatchOperationType? type = opText?.Trim().ToLowerInvariant() switch
            {
                "add" => ScimPatchOperationType.Add,
                "remove" => ScimPatchOperationType.Remove,
                "replace" => ScimPatchOperationType.Replace,
                _ => null,
            };
            if (type is null) return ScimError.InvalidSyntax($"Operation {i} has op \"{opText}\"; expected add, remove or replace.");

            string? path = null;
            var pathNode = JsonNames.Get(operation, "path");
            if (pathNode is not null)
            {
                if (pathNode is not JsonValue pathValue || !pathValue.TryGetValue<string>(out path))
                    return ScimError.InvalidPath($"Operation {i} has a path that is not a string.");
                if (string.IsNullOrWhiteSpace(path)) path = null;
            }
            var value = JsonNames.Get(operation, "value");
            if (type != ScimPatchOperationType.Remove && value is null && !JsonNames.Has(operation, "value"))
                return ScimError.InvalidSyntax($"Operation {i} ({opText}) needs a value.");
            parsed.Add(new ScimPatchOperation(type.Value, path, value?.DeepClone()));
        }
        return new ScimPatchRequest(parsed);
    }
}

/// <summary>Per-call settings of the PATCH applier.</summary>
public sealed record ScimPatchOptions
{
    public static ScimPatchOptions Default { get; } = new();

    public ScimFilterLimits FilterLimits { get; init; } = ScimFilterLimits.Default;

    public int MaxOperations { get; init; } = 1000;

    /// <summary>
    /// Attribute paths the host treats as read-only on top of the schema (canonical spelling, e.g. <c>userName</c>
    /// when usernames are immutable, or <c>name.formatted</c>). Targeting one fails with <c>mutability</c>.
    /// </summary>
    public IReadOnlyCollection<string> ReadOnlyAttributes { get; init; } = [];

    /// <summary>
    /// Unknown keys inside a path-less value object (an IdP's custom mapping) are ignored and reported in
    /// <see cref="ScimPatchResult.IgnoredAttributes"/> (RFC 7644 §3.3 lets a service provider ignore unknown
    /// attributes). Set true to fail with <c>invalidPath</c> instead. An explicit unknown <c>path</c> always fails.
    /// </summary>
    public bool RejectUnknownAttributes { get; init; }

    /// <summary>
    /// Removing a group member who is not in the group (<c>members[value eq "x"]</c>) is a no-op by default, so
    /// an IdP retrying a membership change converges instead of flagging the group as failed. Set true for the
    /// strict RFC 7644 §3.5.2.2 reading (<c>noTarget</c>).
    /// </summary>
    public bool StrictMemberRemoval { get; init; }
}

/// <summary>Member changes of a Group PATCH, computed from the members before and after all operations.</summary>
public sealed record ScimMemberChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, bool Replaced, IReadOnlyList<string> Current)
{
    public bool Any => Added.Count > 0 || Removed.Count > 0;
}

/// <summary>
/// The patched resource (a new object; the input is untouched) and what changed, so the host can react:
/// <c>active</c> in <see cref="ChangedAttributes"/> with <c>false</c> means end the user's sessions.
/// Extension attributes are reported with their URN (<c>urn:…:enterprise:2.0:User:manager</c>).
/// </summary>
public sealed record ScimPatchResult(
    JsonObject Resource,
    IReadOnlyList<string> ChangedAttributes,
    ScimMemberChanges? Members,
    IReadOnlyList<string> IgnoredAttributes)
{
    public bool Changed => ChangedAttributes.Count > 0;

    public bool HasChanged(string attribute) => ChangedAttributes.Contains(attribute, StringComparer.OrdinalIgnoreCase);
}
