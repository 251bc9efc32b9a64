using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Accounts;
using Gatehouse.Scim;

namespace Gatehouse.Provisioning;

/// <summary>What a SCIM User body asks for, validated and mapped onto Gatehouse's columns.</summary>
public sealed record ScimUserInput(
    string UserName, string? ExternalId, bool? Active, string? Name, string? Email, string? Organization, JsonObject Stored);

/// <summary>
/// User ↔ SCIM User (RFC 7643 §4.1 + enterprise extension §4.3). Gatehouse's columns are authoritative for
/// <c>userName</c>, <c>active</c>, the primary email and the name; everything else the IdP sent is kept as-is in
/// <see cref="ScimUserProfile.AttributesJson"/> and returned on GET.
/// </summary>
public static class ScimUserMapping
{
    private const string Enterprise = GatehouseScimSchemas.EnterpriseUserSchemaId;
    /// <summary>Client-owned attributes we store verbatim (after type checks).</summary>
    private static readonly string[] StoredAttributes = ["name", "displayName", "title", "emails"];

    public static JsonObject ToResource(User u, ScimUserProfile? p, IReadOnlyList<(long Id, string Name)> groups, string baseUrl)
    {
        var stored = Parse(p?.AttributesJson);
        var id = ScimIds.Format(u.Id);
        var schemas = new JsonArray(GatehouseScimSchemas.UserSchemaId);
        var doc = new JsonObject { ["schemas"] = schemas, ["id"] = id };
        if (p?.ExternalId is { } externalId) doc["externalId"] = externalId;
        doc["userName"] = u.Username;

        var name = stored["name"]?.DeepClone() as JsonObject;
        if (name is null && u.Name is not null) name = new JsonObject { ["formatted"] = u.Name };
        if (name is not null) doc["name"] = name;
        if (stored["displayName"] is { } displayName) doc["displayName"] = displayName.DeepClone();
        else if (u.Name is not null) doc["displayName"] = u.Name;
        if (stored["title"] is { } title) doc["title"] = title.DeepClone();

        var emails = stored["emails"]?.DeepClone() as JsonArray;
        if (u.Email is not null && (emails is null || !emails.Any(e => string.Equals((string?)e?["value"], u.Email, StringComparison.OrdinalIgnoreCase))))
            emails = [new JsonObject { ["value"] = u.Email, ["type"] = "work", ["primary"] = true }];
        if (emails is { Count: > 0 }) doc["emails"] = emails;
        // A hold for provision_group_required is ours, not the IdP's: it still sees the active it set.
        doc["active"] = !u.Disabled || p?.HeldForGroups == true;
        if (groups.Count > 0)
        {
            doc["groups"] = new JsonArray(groups.Select(g => (JsonNode)new JsonObject
            {
                ["value"] = ScimIds.Format(g.Id), ["$ref"] = $"{baseUrl}/Groups/{g.Id}", ["display"] = g.Name,
            }).ToArray());
        }
        if (stored[Enterprise] is JsonObject enterprise)
        {
            schemas.Add(Enterprise);
            doc[Enterprise] = enterprise.DeepClone();
        }
        doc["meta"] = new JsonObject
        {
            ["resourceType"] = "User",
            ["created"] = ScimDateTime.Format(u.CreatedAt),
            ["lastModified"] = ScimDateTime.Format(p?.UpdatedAt ?? u.CreatedAt),
            ["location"] = $"{baseUrl}/Users/{id}",
        };
        ScimVersion.Stamp(doc);
        return doc;
    }

    /// <summary>Checks a POST/PUT body (or a patched resource) and extracts what Gatehouse stores.</summary>
    public static ScimResult<ScimUserInput> ReadInput(JsonObject body)
    {
        var dup = DuplicateKey(body);
        if (dup is not null) return ScimError.InvalidSyntax($"The attribute '{dup}' appears more than once (attribute names are case-insensitive).");

        if (Get(body, "userName") is not JsonValue userNameValue || userNameValue.GetValueKind() != JsonValueKind.String)
            return ScimError.InvalidValue("userName is required and must be a string.");
        var userName = userNameValue.GetValue<string>().Trim();
        if (ProvisioningPolicy.UsernameProblem(userName) is { } problem) return ScimError.InvalidValue($"userName {problem}.");

        string? externalId = null;
        if (Get(body, "externalId") is { } ext)
        {
            if (ext is not JsonValue ev || ev.GetValueKind() != JsonValueKind.String) return ScimError.InvalidValue("externalId must be a string.");
            externalId = ev.GetValue<string>();
            if (externalId.Length > 256) return ScimError.InvalidValue("externalId is longer than 256 characters.");
            if (externalId.Length == 0) externalId = null;
        }

        bool? active = null;
        if (Get(body, "active") is { } activeNode)
        {
            // Entra's legacy dialect sends "True"/"False" (peers.md pain point 10).
            if (activeNode is JsonValue av && av.GetValueKind() is JsonValueKind.True or JsonValueKind.False) active = av.GetValue<bool>();
            else if (activeNode is JsonValue sv && sv.GetValueKind() == JsonValueKind.String && bool.TryParse(sv.GetValue<string>(), out var parsed)) active = parsed;
            else return ScimError.InvalidValue("active must be true or false.");
        }

        var stored = new JsonObject();
        foreach (var attribute in StoredAttributes)
        {
            var value = Get(body, attribute);
            if (value is null || value.GetValueKind() == JsonValueKind.Null) continue;
            var check = CheckShape(attribute, value);
            if (check is not null) return check;
            stored[attribute] = value.DeepClone();
        }
        if (Get(body, Enterprise) is { } enterprise && enterprise.GetValueKind() != JsonValueKind.Null)
        {
            if (enterprise is not JsonObject) return ScimError.InvalidValue($"'{Enterprise}' must be an object.");
            stored[Enterprise] = enterprise.DeepClone();
        }
        if (stored.ToJsonString().Length > 16_384) return ScimError.InvalidValue("The user's attributes are larger than 16 KB.");

        var nameObj = stored["name"] as JsonObject;
        var formatted = Str(nameObj, "formatted");
        var given = Str(nameObj, "givenName");
        var family = Str(nameObj, "familyName");
        var name = formatted ?? (given is null && family is null ? null : string.Join(' ', new[] { given, family }.Where(x => x is not null)));
        name ??= stored["displayName"]?.GetValue<string>();
        if (name is { Length: > 256 }) name = name[..256];

        var email = PrimaryEmail(stored["emails"] as JsonArray);
        if (email is not null && (email.Length > 256 || !email.Contains('@') || email.Any(char.IsWhiteSpace)))
            return ScimError.InvalidValue($"'{email}' is not a valid email address.");
        var organization = Str(stored[Enterprise] as JsonObject, "organization");
        if (organization is { Length: > 256 }) organization = organization[..256];
        return new ScimUserInput(userName, externalId, active, string.IsNullOrWhiteSpace(name) ? null : name.Trim(), email, organization, stored);
    }

    /// <summary>The address Gatehouse keeps: primary, else work, else the first (RFC 7643 §2.4 "primary").</summary>
    private static string? PrimaryEmail(JsonArray? emails)
    {
        if (emails is null) return null;
        var objects = emails.OfType<JsonObject>().Where(e => Str(e, "value") is not null).ToList();
        var pick = objects.FirstOrDefault(e => e["primary"] is JsonValue v && (v.GetValueKind() == JsonValueKind.True || (v.GetValueKind() == JsonValueKind.String && string.Equals(v.GetValue<string>(), "true", StringComparison.OrdinalIgnoreCase))))
            ?? objects.FirstOrDefault(e => string.Equals(Str(e, "type"), "work", StringComparison.OrdinalIgnoreCase))
            ?? objects.FirstOrDefault();
        return pick is null ? null : Str(pick, "value")!.Trim();
    }

    private static ScimError? CheckShape(string attribute, JsonNode value)
    {
        switch (attribute)
        {
            case "displayName" or "title":
                return value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? null : ScimError.InvalidValue($"{attribute} must be a string.");
            case "name":
                if (value is not JsonObject name) return ScimError.InvalidValue("name must be an object.");
                foreach (var (key, sub) in name)
                    if (sub is not null && sub.GetValueKind() != JsonValueKind.String) return ScimError.InvalidValue($"name.{key} must be a string.");
                return null;
            case "emails":
                if (value is not JsonArray emails) return ScimError.InvalidValue("emails must be an array.");
                if (emails.Count > 20) return ScimError.InvalidValue("emails has more than 20 elements.");
                foreach (var e in emails)
                    if (e is not JsonObject eo || eo["value"] is not JsonValue ev || ev.GetValueKind() != JsonValueKind.String)
                        return ScimError.InvalidValue("Each element of emails must be an object with a string value.");
                return null;
            default:
                return null;
        }
    }

    private static string? DuplicateKey(JsonObject obj)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, _) in obj) if (!seen.Add(key)) return key;
        return null;
    }

    public static JsonNode? Get(JsonObject obj, string name)
    {
        if (obj.TryGetPropertyValue(name, out var exact)) return exact;
        foreach (var (key, value) in obj)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    private static string? Str(JsonObject? obj, string name) =>
        obj is not null && Get(obj, name) is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s : null;

    private static JsonObject Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return new JsonObject();
        return JsonNode.Parse(json) as JsonObject ?? new JsonObject();
    }
}
