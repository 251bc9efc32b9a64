using System.Text.Json.Nodes;

namespace Gatehouse.Scim;

/// <summary>
/// Applies an RFC 7644 §3.5.2 PATCH to a JSON resource. All operations succeed or none do: the input object is
/// never modified and a failure returns only the error. Handles the dialects of Entra, Okta and JumpCloud:
/// path-less value objects (with dotted and URN-prefixed keys), value-path filters, create-on-missing for
/// <c>eq</c> filters, the legacy Entra member removal with a <c>value</c> array, and string booleans.
/// </summary>
public sealed class ScimPatcher
{
    private readonly JsonObject _doc;
    private readonly ScimResourceType _type;
    private readonly ScimPatchOptions _options;
    private readonly List<string> _ignored = [];
    private readonly ScimValueCoercion _coerce;
    private bool _membersReplaced;

    private ScimPatcher(JsonObject doc, ScimResourceType type, ScimPatchOptions options)
    {
        _doc = doc;
        _type = type;
        _options = options;
        _coerce = new ScimValueCoercion(_ignored);
    }

    /// <summary>Parses the PATCH body and applies it (what an endpoint calls).</summary>
    public static ScimResult<ScimPatchResult> Apply(JsonObject resource, JsonNode? patchBody, ScimResourceType resourceType, ScimPatchOptions? options = null)
    {
        var request = ScimPatchRequest.Parse(patchBody, options);
        return request.IsSuccess ? Apply(resource, request.Value, resourceType, options) : request.Error!;
    }

    public static ScimResult<ScimPatchResult> Apply(JsonObject resource, ScimPatchRequest request, ScimResourceType resourceType, ScimPatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(resourceType);
        options ??= ScimPatchOptions.Default;

        var before = resource.DeepClone().AsObject();
        var patcher = new ScimPatcher(resource.DeepClone().AsObject(), resourceType, options);
        for (var i = 0; i < request.Operations.Count; i++)
        {
            var applied = patcher.ApplyOperation(request.Operations[i]);
            if (applied is { } error)
                return error with { Detail = $"Operation {i}: {error.Detail}" };
        }
        return new ScimPatchResult(
            patcher._doc,
            ScimResourceDiff.ChangedAttributes(before, patcher._doc, resourceType),
            ScimResourceDiff.Members(before, patcher._doc, resourceType, patcher._membersReplaced),
            patcher._ignored.Distinct(StringComparer.OrdinalIgnoreCase).ToList());
    }

    private ScimError? ApplyOperation(ScimPatchOperation operation)
    {
        if (operation.Path is null)
        {
            // RFC 7644 §3.5.2.2: remove without a path fails with noTarget.
            if (operation.Op == ScimPatchOperationType.Remove) return ScimError.NoTarget("A remove operation needs a path.");
            if (operation.Value is not JsonObject valueObject)
                return ScimError.InvalidValue("An operation without a path needs an object of attributes as its value.");
            return ApplyValueObject(operation.Op, valueObject);
        }

        var path = operation.Path.Trim();
        if (_type.FindExtension(path) is { } wholeExtension)
            return ApplyExtensionObject(operation.Op, wholeExtension, operation.Value);

        var parsed = ScimFilterParser.ParsePatchPath(path, _options.FilterLimits);
        if (!parsed.IsSuccess) return parsed.Error;
        var target = ResolveTarget(parsed.Value);
        if (!target.IsSuccess) return target.Error;
        return ApplyTarget(operation.Op, target.Value, operation.Value);
    }

    /// <summary>
    /// A path-less add/replace (Okta deactivation, JumpCloud rename, Entra dotted keys): each key is a path and
    /// only the keys present change, so <c>{"active": false}</c> never erases <c>userName</c>.
    /// </summary>
    private ScimError? ApplyValueObject(ScimPatchOperationType op, JsonObject value)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, item) in value)
        {
            if (string.Equals(key, "schemas", StringComparison.OrdinalIgnoreCase)) continue;
            if (_type.FindExtension(key) is { } extension)
            {
                var error = ApplyExtensionObject(op, extension, item, seen);
                if (error is not null) return error;
                continue;
            }
            var keyError = ApplyKey(op, key, item, seen);
            if (keyError is not null) return keyError;
        }
        return null;
    }

    private ScimError? ApplyExtensionObject(ScimPatchOperationType op, ScimSchema extension, JsonNode? value, HashSet<string>? seen = null)
    {
        if (op == ScimPatchOperationType.Remove || ScimValueCoercion.IsNull(value))
        {
            if (op == ScimPatchOperationType.Add) return ScimError.InvalidValue($"'{extension.Id}' expects an object.");
            if (JsonNames.RemoveAll(_doc, extension.Id)) RemoveSchemaUrn(extension.Id);
            return null;
        }
        if (value is not JsonObject obj) return ScimError.InvalidValue($"'{extension.Id}' expects an object.");
        seen ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, item) in obj)
        {
            var error = ApplyKey(op, $"{extension.Id}:{key}", item, seen);
            if (error is not null) return error;
        }
        return null;
    }

    private ScimError? ApplyKey(ScimPatchOperationType op, string key, JsonNode? value, HashSet<string> seen)
    {
        var path = AttributePath.TryParse(key);
        var resolved = path is null ? null : _type.Resolve(path);
        if (resolved is null)
        {
            if (_options.RejectUnknownAttributes) return ScimError.InvalidPath($"Unknown attribute '{key}'.");
            _ignored.Add(key);
            return null;
        }
        if (!seen.Add(resolved.CanonicalPath.ToString()))
            return ScimError.InvalidSyntax($"'{resolved.CanonicalPath}' appears more than once in the value.");

        // Okta echoes the group's id in a rename ({"id": "…", "displayName": "…"}): an unchanged read-only value is skipped.
        if (IsReadOnly(resolved) && Equal(Read(resolved), value)) return null;
        return ApplyTarget(op, new PatchTarget(resolved, null, null), value);
    }

    private ScimResult<PatchTarget> ResolveTarget(ScimPatchPath path)
    {
        var resolved = _type.Resolve(path.Attribute);
        if (resolved is null) return ScimError.InvalidPath($"Unknown attribute '{path.Attribute}'.");
        if (path.Filter is null) return new PatchTarget(resolved, null, null);

        var attribute = resolved.Attribute;
        if (!attribute.MultiValued || attribute.Type != ScimAttributeType.Complex)
            return ScimError.InvalidPath($"'{attribute.Name}' is not a multi-valued complex attribute, so it takes no filter.");
        var filter = ScimFilterBinder.BindElementFilter(path.Filter, attribute);
        if (!filter.IsSuccess) return filter.Error!;

        ScimAttribute? sub = null;
        if (path.SubAttributeAfterFilter is { } subName)
        {
            sub = attribute.FindSubAttribute(subName);
            if (sub is null) return ScimError.InvalidPath($"Unknown attribute '{attribute.Name}.{subName}'.");
        }
        return new PatchTarget(resolved, filter.Value, sub);
    }

    private ScimError? ApplyTarget(ScimPatchOperationType op, PatchTarget target, JsonNode? value)
    {
        var resolved = target.Resolved;
        var attribute = resolved.Attribute;
        var mutability = CheckMutability(resolved, target.ElementSub, op == ScimPatchOperationType.Remove ? null : value);
        if (mutability is not null) return mutability;

        var container = Container(resolved.ExtensionUrn, create: op != ScimPatchOperationType.Remove);
        if (container is null) return null; // removing from an extension the resource does not have

        if (target.Filter is not null)
        {
            var elements = new MultiValuedEditor(container, attribute, _coerce, _options, path: attribute.Name);
            return op == ScimPatchOperationType.Remove
                ? elements.RemoveMatching(target.Filter, target.ElementSub)
                : elements.SetMatching(target.Filter, target.ElementSub, value);
        }

        if (resolved.SubAttribute is { } sub)
            return ApplySubAttribute(op, container, attribute, sub, value, resolved);

        if (op == ScimPatchOperationType.Remove)
        {
            if (attribute.MultiValued && !ScimValueCoercion.IsNull(value))
            {
                // Entra (legacy): {"op":"Remove","path":"members","value":[{"value":"<id>"}]} removes exactly those.
                var editor = new MultiValuedEditor(container, attribute, _coerce, _options, attribute.Name);
                return editor.RemoveValues(value!);
            }
            return Unassign(container, attribute, resolved);
        }

        var coerced = _coerce.Attribute(attribute, value, resolved.CanonicalPath.ToString());
        if (!coerced.IsSuccess) return coerced.Error;
        if (coerced.Value is null) return Unassign(container, attribute, resolved);

        if (attribute.MultiValued)
        {
            var editor = new MultiValuedEditor(container, attribute, _coerce, _options, attribute.Name);
            if (op == ScimPatchOperationType.Replace)
            {
                if (string.Equals(attribute.Name, "members", StringComparison.Ordinal)) _membersReplaced = true;
                editor.ReplaceAll((JsonArray)coerced.Value);
            }
            else
            {
                editor.Merge((JsonArray)coerced.Value);
            }
            return null;
        }
        if (attribute.Type == ScimAttributeType.Complex)
        {
            // RFC 7644 §3.5.2.1/§3.5.2.3: sub-attributes named in the value change; the others stay.
            var merged = _coerce.Complex(attribute, value!, attribute.Name, keepNulls: true);
            if (!merged.IsSuccess) return merged.Error;
            var existing = JsonNames.Get(container, attribute.Name) as JsonObject ?? new JsonObject();
            var result = (JsonObject)existing.DeepClone();
            foreach (var (key, item) in (JsonObject)merged.Value!)
            {
                if (item is null) JsonNames.RemoveAll(result, key);
                else JsonNames.Set(result, key, item.DeepClone());
            }
            if (result.Count == 0) return Unassign(container, attribute, resolved);
            JsonNames.Set(container, attribute.Name, result);
            return null;
        }
        JsonNames.Set(container, attribute.Name, coerced.Value);
        return null;
    }

    /// <summary><c>name.familyName</c> (complex) or <c>emails.value</c> (every element of a multi-valued attribute).</summary>
    private ScimError? ApplySubAttribute(ScimPatchOperationType op, JsonObject container, ScimAttribute attribute, ScimAttribute sub, JsonNode? value, ResolvedAttribute resolved)
    {
        if (attribute.MultiValued)
        {
            var editor = new MultiValuedEditor(container, attribute, _coerce, _options, attribute.Name);
            return op == ScimPatchOperationType.Remove ? editor.RemoveSubFromAll(sub) : editor.SetSubOnAll(sub, value);
        }

        var existing = JsonNames.Get(container, attribute.Name) as JsonObject;
        if (op == ScimPatchOperationType.Remove || ScimValueCoercion.IsNull(value))
        {
            if (sub.Required) return ScimError.InvalidValue($"'{resolved.CanonicalPath}' is required and cannot be removed.");
            if (existing is null) return null;
            var copy = (JsonObject)existing.DeepClone();
            JsonNames.RemoveAll(copy, sub.Name);
            if (copy.Count == 0) JsonNames.RemoveAll(container, attribute.Name);
            else JsonNames.Set(container, attribute.Name, copy);
            return null;
        }
        var coerced = _coerce.Simple(sub, value!, resolved.CanonicalPath.ToString());
        if (!coerced.IsSuccess) return coerced.Error;
        var updated = existing is null ? new JsonObject() : (JsonObject)existing.DeepClone();
        JsonNames.Set(updated, sub.Name, coerced.Value);
        JsonNames.Set(container, attribute.Name, updated);
        return null;
    }

    private ScimError? Unassign(JsonObject container, ScimAttribute attribute, ResolvedAttribute resolved)
    {
        // RFC 7644 §3.12 invalidValue: "a required value was missing".
        if (attribute.Required) return ScimError.InvalidValue($"'{resolved.CanonicalPath}' is required and cannot be removed.");
        JsonNames.RemoveAll(container, attribute.Name);
        if (resolved.ExtensionUrn is { } urn && container.Count == 0 && JsonNames.RemoveAll(_doc, urn)) RemoveSchemaUrn(urn);
        return null;
    }

    /// <summary>
    /// RFC 7643 §7 mutability: readOnly (<c>id</c>, <c>meta</c>, <c>groups</c>, host-declared) never changes;
    /// immutable may be set once, or re-sent unchanged.
    /// </summary>
    private ScimError? CheckMutability(ResolvedAttribute resolved, ScimAttribute? elementSub, JsonNode? newValue)
    {
        var path = resolved.CanonicalPath.ToString();
        if (IsReadOnly(resolved) || elementSub?.Mutability == ScimMutability.ReadOnly)
            return ScimError.Mutability($"'{path}' is read-only.");
        if (resolved.Leaf.Mutability == ScimMutability.Immutable && elementSub is null)
        {
            var current = Read(resolved);
            if (current is not null && !Equal(current, newValue))
                return ScimError.Mutability($"'{path}' is immutable once set.");
        }
        return null;
    }

    private bool IsReadOnly(ResolvedAttribute resolved)
    {
        if (resolved.Attribute.Mutability == ScimMutability.ReadOnly || resolved.SubAttribute?.Mutability == ScimMutability.ReadOnly)
            return true;
        var full = resolved.CanonicalPath.ToString();
        var top = (resolved.CanonicalPath with { SubAttribute = null }).ToString();
        foreach (var declared in _options.ReadOnlyAttributes)
        {
            if (string.Equals(declared, full, StringComparison.OrdinalIgnoreCase)
                || string.Equals(declared, top, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private JsonNode? Read(ResolvedAttribute resolved) => ScimFilterEvaluator.Locate(_doc, resolved.CanonicalPath);

    private static bool Equal(JsonNode? current, JsonNode? value)
    {
        if (ScimValueCoercion.IsNull(current) && ScimValueCoercion.IsNull(value)) return true;
        return JsonNode.DeepEquals(current, value);
    }

    private JsonObject? Container(string? extensionUrn, bool create)
    {
        if (extensionUrn is null) return _doc;
        if (JsonNames.Get(_doc, extensionUrn) is JsonObject existing) return existing;
        if (!create) return null;
        var created = new JsonObject();
        JsonNames.Set(_doc, extensionUrn, created);
        if (JsonNames.Get(_doc, "schemas") is JsonArray schemas
            && !schemas.Any(s => s is JsonValue v && v.TryGetValue<string>(out var urn) && string.Equals(urn, extensionUrn, StringComparison.OrdinalIgnoreCase)))
            schemas.Add(extensionUrn);
        return created;
    }

    private void RemoveSchemaUrn(string urn)
    {
        if (JsonNames.Get(_doc, "schemas") is not JsonArray schemas) return;
        for (var i = schemas.Count - 1; i >= 0; i--)
            if (schemas[i] is JsonValue v && v.TryGetValue<string>(out var s) && string.Equals(s, urn, StringComparison.OrdinalIgnoreCase))
                schemas.RemoveAt(i);
    }

    private sealed record PatchTarget(ResolvedAttribute Resolved, ScimFilterNode? Filter, ScimAttribute? ElementSub);
}
