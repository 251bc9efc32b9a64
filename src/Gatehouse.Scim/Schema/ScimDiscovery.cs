using System.Text.Json.Nodes;

namespace Gatehouse.Scim;

/// <summary>What ServiceProviderConfig advertises (RFC 7643 §5). Defaults describe Gatehouse.</summary>
public sealed record ScimServiceProviderOptions
{
    /// <summary>filter.maxResults: the clamp applied to <c>count</c>.</summary>
    public int MaxResults { get; init; } = 200;
    public bool ETagSupported { get; init; } = true;
    public string? DocumentationUri { get; init; }
}

/// <summary>
/// The discovery documents (RFC 7644 §4): <c>/ServiceProviderConfig</c>, <c>/Schemas</c>, <c>/ResourceTypes</c>,
/// generated from <see cref="ScimResourceType"/> descriptions. The host passes its SCIM base URL
/// (<c>https://acme.example.com/api/scim</c>) for <c>meta.location</c>.
/// </summary>
public static class ScimDiscovery
{
    public const string ServiceProviderConfigSchema = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    public const string SchemaSchema = "urn:ietf:params:scim:schemas:core:2.0:Schema";
    public const string ResourceTypeSchema = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

    public static JsonObject ServiceProviderConfig(string baseUrl, ScimServiceProviderOptions? options = null)
    {
        options ??= new ScimServiceProviderOptions();
        var config = new JsonObject { ["schemas"] = new JsonArray(ServiceProviderConfigSchema) };
        if (options.DocumentationUri is { } docs) config["documentationUri"] = docs;
        config["patch"] = new JsonObject { ["supported"] = true };
        config["bulk"] = new JsonObject { ["supported"] = false, ["maxOperations"] = 0, ["maxPayloadSize"] = 0 };
        config["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = options.MaxResults };
        config["changePassword"] = new JsonObject { ["supported"] = false };
        config["sort"] = new JsonObject { ["supported"] = false };
        config["etag"] = new JsonObject { ["supported"] = options.ETagSupported };
        config["authenticationSchemes"] = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "oauthbearertoken",
                ["name"] = "OAuth Bearer Token",
                ["description"] = "Authentication with the SCIM token issued for the SSO provider.",
                ["specUri"] = "https://www.rfc-editor.org/info/rfc6750",
                ["primary"] = true,
            },
            new JsonObject
            {
                ["type"] = "httpbasic",
                ["name"] = "HTTP Basic",
                ["description"] = "Authentication with the SCIM username and password issued for the SSO provider.",
                ["specUri"] = "https://www.rfc-editor.org/info/rfc7617",
            },
        };
        config["meta"] = new JsonObject
        {
            ["resourceType"] = "ServiceProviderConfig",
            ["location"] = $"{Trim(baseUrl)}/ServiceProviderConfig",
        };
        return config;
    }

    /// <summary>The <c>/Schemas</c> ListResponse: every schema of the given resource types, once.</summary>
    public static JsonObject Schemas(string baseUrl, IEnumerable<ScimResourceType>? resourceTypes = null)
    {
        var schemas = DistinctSchemas(resourceTypes ?? GatehouseScimSchemas.ResourceTypes).Select(s => (JsonNode)Schema(baseUrl, s)).ToList();
        return ScimListResponse.Create(schemas, schemas.Count, 1);
    }

    /// <summary>The <c>/Schemas/{id}</c> document, or null when the id is unknown (the host answers 404).</summary>
    public static JsonObject? Schema(string baseUrl, string id, IEnumerable<ScimResourceType>? resourceTypes = null)
    {
        var schema = DistinctSchemas(resourceTypes ?? GatehouseScimSchemas.ResourceTypes)
            .FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));
        return schema is null ? null : Schema(baseUrl, schema);
    }

    public static JsonObject Schema(string baseUrl, ScimSchema schema) => new()
    {
        ["schemas"] = new JsonArray(SchemaSchema),
        ["id"] = schema.Id,
        ["name"] = schema.Name,
        ["description"] = schema.Description,
        ["attributes"] = new JsonArray(schema.Attributes.Select(a => (JsonNode)Attribute(a)).ToArray()),
        ["meta"] = new JsonObject
        {
            ["resourceType"] = "Schema",
            ["location"] = $"{Trim(baseUrl)}/Schemas/{schema.Id}",
        },
    };

    public static JsonObject ResourceTypes(string baseUrl, IEnumerable<ScimResourceType>? resourceTypes = null)
    {
        var items = (resourceTypes ?? GatehouseScimSchemas.ResourceTypes).Select(t => (JsonNode)ResourceType(baseUrl, t)).ToList();
        return ScimListResponse.Create(items, items.Count, 1);
    }

    public static JsonObject ResourceType(string baseUrl, ScimResourceType type)
    {
        var document = new JsonObject
        {
            ["schemas"] = new JsonArray(ResourceTypeSchema),
            ["id"] = type.Name,
            ["name"] = type.Name,
            ["endpoint"] = type.Endpoint,
            ["description"] = type.Description,
            ["schema"] = type.Schema.Id,
        };
        if (type.Extensions.Count > 0)
        {
            document["schemaExtensions"] = new JsonArray(type.Extensions
                .Select(e => (JsonNode)new JsonObject { ["schema"] = e.Schema.Id, ["required"] = e.Required }).ToArray());
        }
        document["meta"] = new JsonObject
        {
            ["resourceType"] = "ResourceType",
            ["location"] = $"{Trim(baseUrl)}/ResourceTypes/{type.Name}",
        };
        return document;
    }

    private static JsonObject Attribute(ScimAttribute attribute)
    {
        // RFC 7643 §7 attribute characteristics, camel-cased values as Entra's schema discovery expects.
        var json = new JsonObject
        {
            ["name"] = attribute.Name,
            ["type"] = attribute.Type switch
            {
                ScimAttributeType.DateTime => "dateTime",
                _ => attribute.Type.ToString().ToLowerInvariant(),
            },
            ["multiValued"] = attribute.MultiValued,
            ["description"] = attribute.Description,
            ["required"] = attribute.Required,
        };
        if (attribute.Type is ScimAttributeType.String or ScimAttributeType.Reference or ScimAttributeType.Binary)
            json["caseExact"] = attribute.CaseExact;
        if (attribute.CanonicalValues.Count > 0)
            json["canonicalValues"] = new JsonArray(attribute.CanonicalValues.Select(v => (JsonNode)v).ToArray());
        if (attribute.ReferenceTypes.Count > 0)
            json["referenceTypes"] = new JsonArray(attribute.ReferenceTypes.Select(v => (JsonNode)v).ToArray());
        json["mutability"] = Camel(attribute.Mutability.ToString());
        json["returned"] = Camel(attribute.Returned.ToString());
        if (attribute.Type != ScimAttributeType.Complex) json["uniqueness"] = Camel(attribute.Uniqueness.ToString());
        if (attribute.SubAttributes.Count > 0)
            json["subAttributes"] = new JsonArray(attribute.SubAttributes.Select(s => (JsonNode)Attribute(s)).ToArray());
        return json;
    }

    private static IEnumerable<ScimSchema> DistinctSchemas(IEnumerable<ScimResourceType> types) =>
        types.SelectMany(t => t.AllSchemas()).DistinctBy(s => s.Id, StringComparer.OrdinalIgnoreCase);

    private static string Camel(string pascal) => char.ToLowerInvariant(pascal[0]) + pascal[1..];

    private static string Trim(string baseUrl) => baseUrl.TrimEnd('/');
}
