using System.Text.Json.Nodes;

namespace Gatehouse.Scim.Tests;

public class DiscoveryTests
{
    private const string Base = "https://acme.example.com/api/scim/";

    [Fact]
    public void ServiceProviderConfig_Default_AdvertisesWhatIsSupported()
    {
        var config = ScimDiscovery.ServiceProviderConfig(Base);

        Assert.Equal(ScimDiscovery.ServiceProviderConfigSchema, config["schemas"]![0]!.GetValue<string>());
        Assert.True(config["patch"]!["supported"]!.GetValue<bool>());
        Assert.False(config["bulk"]!["supported"]!.GetValue<bool>());
        Assert.True(config["filter"]!["supported"]!.GetValue<bool>());
        Assert.Equal(200, config["filter"]!["maxResults"]!.GetValue<int>());
        Assert.False(config["changePassword"]!["supported"]!.GetValue<bool>());
        Assert.False(config["sort"]!["supported"]!.GetValue<bool>());
        Assert.True(config["etag"]!["supported"]!.GetValue<bool>());
        var schemes = config["authenticationSchemes"]!.AsArray().Select(s => s!["type"]!.GetValue<string>()).ToArray();
        Assert.Equal(["oauthbearertoken", "httpbasic"], schemes);
        Assert.Equal("https://acme.example.com/api/scim/ServiceProviderConfig", config["meta"]!["location"]!.GetValue<string>());
    }

    [Fact]
    public void ServiceProviderConfig_MaxResultsOption_IsAdvertised()
    {
        var config = ScimDiscovery.ServiceProviderConfig(Base, new ScimServiceProviderOptions { MaxResults = 50 });
        Assert.Equal(50, config["filter"]!["maxResults"]!.GetValue<int>());
    }

    [Fact]
    public void Schemas_Default_ListsUserEnterpriseAndGroup()
    {
        var list = ScimDiscovery.Schemas(Base);
        var ids = list["Resources"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToArray();
        Assert.Equal([GatehouseScimSchemas.UserSchemaId, GatehouseScimSchemas.EnterpriseUserSchemaId, GatehouseScimSchemas.GroupSchemaId], ids);
        Assert.Equal(3, list["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public void Schemas_User_DescribesSupportedAttributesOnly()
    {
        var user = ScimDiscovery.Schema(Base, GatehouseScimSchemas.UserSchemaId)!;
        var names = user["attributes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["userName", "name", "displayName", "title", "emails", "active", "groups"], names);
        Assert.DoesNotContain("password", names);

        var userName = Attribute(user, "userName");
        Assert.Equal("string", userName["type"]!.GetValue<string>());
        Assert.True(userName["required"]!.GetValue<bool>());
        Assert.False(userName["caseExact"]!.GetValue<bool>());
        Assert.Equal("server", userName["uniqueness"]!.GetValue<string>());
        Assert.Equal("readOnly", Attribute(user, "groups")["mutability"]!.GetValue<string>());
        var nameSubs = Attribute(user, "name")["subAttributes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["formatted", "familyName", "givenName"], nameSubs);
        Assert.Equal($"https://acme.example.com/api/scim/Schemas/{GatehouseScimSchemas.UserSchemaId}", user["meta"]!["location"]!.GetValue<string>());
    }

    [Fact]
    public void Schemas_EnterpriseUser_HasManagerReference()
    {
        var enterprise = ScimDiscovery.Schema(Base, GatehouseScimSchemas.EnterpriseUserSchemaId)!;
        var names = enterprise["attributes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["employeeNumber", "department", "organization", "manager"], names);
        var manager = Attribute(enterprise, "manager");
        Assert.Equal("complex", manager["type"]!.GetValue<string>());
    }

    [Fact]
    public void Schemas_Group_HasDisplayNameAndMembers()
    {
        var group = ScimDiscovery.Schema(Base, GatehouseScimSchemas.GroupSchemaId)!;
        var names = group["attributes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["displayName", "members"], names);
        Assert.True(Attribute(group, "members")["multiValued"]!.GetValue<bool>());
    }

    [Fact]
    public void Schema_UnknownId_IsNull()
    {
        Assert.Null(ScimDiscovery.Schema(Base, "urn:nope"));
    }

    [Fact]
    public void ResourceTypes_Default_DescribeUserAndGroup()
    {
        var list = ScimDiscovery.ResourceTypes(Base);
        var types = list["Resources"]!.AsArray();
        Assert.Equal(2, types.Count);
        var user = types[0]!;
        Assert.Equal("User", user["id"]!.GetValue<string>());
        Assert.Equal("/Users", user["endpoint"]!.GetValue<string>());
        Assert.Equal(GatehouseScimSchemas.UserSchemaId, user["schema"]!.GetValue<string>());
        Assert.Equal(GatehouseScimSchemas.EnterpriseUserSchemaId, user["schemaExtensions"]![0]!["schema"]!.GetValue<string>());
        Assert.False(user["schemaExtensions"]![0]!["required"]!.GetValue<bool>());
        Assert.Equal("https://acme.example.com/api/scim/ResourceTypes/User", user["meta"]!["location"]!.GetValue<string>());
        Assert.Equal("/Groups", types[1]!["endpoint"]!.GetValue<string>());
        Assert.False(types[1]!.AsObject().ContainsKey("schemaExtensions"));
    }

    [Fact]
    public void Discovery_SchemaDescription_IsWhatTheBinderAccepts()
    {
        // Every attribute the /Schemas document lists is accepted by the filter binder, and nothing else is.
        foreach (var schema in GatehouseScimSchemas.UserResource.AllSchemas())
        {
            foreach (var attribute in schema.Attributes)
            {
                var prefix = schema.Id == GatehouseScimSchemas.UserSchemaId ? "" : schema.Id + ":";
                var filter = ScimFilter.Parse($"{prefix}{attribute.Name} pr", GatehouseScimSchemas.UserResource);
                Assert.True(filter.IsSuccess, $"{attribute.Name}: {filter}");
            }
        }
    }

    private static JsonNode Attribute(JsonNode schema, string name) =>
        schema["attributes"]!.AsArray().First(a => a!["name"]!.GetValue<string>() == name)!;
}
