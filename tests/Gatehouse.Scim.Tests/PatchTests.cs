using System.Text.Json.Nodes;

namespace Gatehouse.Scim.Tests;

public class PatchTests
{
    private static readonly ScimResourceType Users = GatehouseScimSchemas.UserResource;
    private static readonly ScimResourceType Groups = GatehouseScimSchemas.GroupResource;

    private static JsonObject User() => JsonNode.Parse("""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
          "id": "u1", "externalId": "ext-1", "userName": "ada@example.com", "displayName": "Ada",
          "name": { "givenName": "Ada", "familyName": "Lovelace" },
          "active": true,
          "emails": [{ "value": "ada@example.com", "type": "work", "primary": true }],
          "meta": { "resourceType": "User", "created": "2024-01-01T00:00:00Z" }
        }
        """)!.AsObject();

    private static JsonObject Group(params string[] members) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
        ["id"] = "g1",
        ["displayName"] = "Sales",
        ["members"] = new JsonArray(members.Select(m => (JsonNode)new JsonObject { ["value"] = m }).ToArray()),
    };

    private static ScimPatchResult Ok(JsonObject resource, JsonObject body, ScimResourceType? type = null, ScimPatchOptions? options = null)
    {
        var result = ScimPatcher.Apply(resource, body, type ?? Users, options);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    private static ScimError Fail(JsonObject resource, JsonObject body, ScimResourceType? type = null, ScimPatchOptions? options = null)
    {
        var result = ScimPatcher.Apply(resource, body, type ?? Users, options);
        Assert.False(result.IsSuccess, $"expected an error, got {result}");
        return result.Error!;
    }

    private static JsonObject Op(string op, string? path, JsonNode? value)
    {
        var o = new JsonObject { ["op"] = op };
        if (path is not null) o["path"] = path;
        if (value is not null) o["value"] = value;
        return o;
    }

    private static JsonObject Request(params JsonObject[] ops) => new()
    {
        ["schemas"] = new JsonArray(ScimPatchRequest.PatchOpSchema),
        ["Operations"] = new JsonArray(ops.Cast<JsonNode>().ToArray()),
    };

    // ---- Request shape ----

    [Fact]
    public void Patch_SchemasWithoutPatchOp_IsInvalidSyntax()
    {
        var body = new JsonObject { ["schemas"] = new JsonArray("urn:x"), ["Operations"] = new JsonArray(Op("replace", "active", false)) };
        Assert.Equal(ScimErrorType.InvalidSyntax, Fail(User(), body).Type);
    }

    [Fact]
    public void Patch_MissingSchemas_IsInvalidSyntax()
    {
        var body = new JsonObject { ["Operations"] = new JsonArray(Op("replace", "active", false)) };
        Assert.Equal(ScimErrorType.InvalidSyntax, Fail(User(), body).Type);
    }

    [Fact]
    public void Patch_UnknownOp_IsInvalidSyntax()
    {
        Assert.Equal(ScimErrorType.InvalidSyntax, Fail(User(), Request(Op("merge", "active", false))).Type);
    }

    [Fact]
    public void Patch_EmptyOperations_IsInvalidSyntax()
    {
        var body = new JsonObject { ["schemas"] = new JsonArray(ScimPatchRequest.PatchOpSchema), ["Operations"] = new JsonArray() };
        Assert.Equal(ScimErrorType.InvalidSyntax, Fail(User(), body).Type);
    }

    [Theory]
    [InlineData("Replace")]
    [InlineData("REPLACE")]
    [InlineData("replace")]
    public void Patch_OpInAnyCase_IsApplied(string op)
    {
        var result = Ok(User(), Request(Op(op, "displayName", "Countess")));
        Assert.Equal("Countess", result.Resource["displayName"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_OperationsKeyInOtherCase_IsAccepted()
    {
        var body = new JsonObject { ["schemas"] = new JsonArray(ScimPatchRequest.PatchOpSchema), ["operations"] = new JsonArray(Op("add", "title", "Dr")) };
        Assert.Equal("Dr", Ok(User(), body).Resource["title"]!.GetValue<string>());
    }

    // ---- Paths ----

    [Fact]
    public void Patch_SubAttributePath_ChangesOnlyThatSubAttribute()
    {
        var result = Ok(User(), Request(Op("replace", "name.givenName", "Augusta")));
        Assert.Equal("Augusta", result.Resource["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal("Lovelace", result.Resource["name"]!["familyName"]!.GetValue<string>());
        Assert.Equal(["name"], result.ChangedAttributes);
    }

    [Fact]
    public void Patch_PathInOtherCase_WritesCanonicalName()
    {
        var result = Ok(User(), Request(Op("replace", "DISPLAYNAME", "X")));
        Assert.Equal("X", result.Resource["displayName"]!.GetValue<string>());
        Assert.False(result.Resource.ContainsKey("DISPLAYNAME"));
    }

    [Fact]
    public void Patch_UrnExtensionPath_WritesIntoExtensionAndListsSchema()
    {
        var result = Ok(User(), Request(Op("replace", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "Research")));
        Assert.Equal("Research", result.Resource[GatehouseScimSchemas.EnterpriseUserSchemaId]!["department"]!.GetValue<string>());
        Assert.Contains(result.Resource["schemas"]!.AsArray(), s => s!.GetValue<string>() == GatehouseScimSchemas.EnterpriseUserSchemaId);
        Assert.Equal([GatehouseScimSchemas.EnterpriseUserSchemaId + ":department"], result.ChangedAttributes);
    }

    [Fact]
    public void Patch_UrnManagerWithObject_IsStored()
    {
        var result = Ok(User(), Request(Op("add", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", new JsonObject { ["value"] = "m-1" })));
        Assert.Equal("m-1", result.Resource[GatehouseScimSchemas.EnterpriseUserSchemaId]!["manager"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_RemoveManager_DropsEmptyExtension()
    {
        var user = User();
        user[GatehouseScimSchemas.EnterpriseUserSchemaId] = new JsonObject { ["manager"] = new JsonObject { ["value"] = "m-1" } };
        user["schemas"]!.AsArray().Add(GatehouseScimSchemas.EnterpriseUserSchemaId);
        var result = Ok(user, Request(Op("remove", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", null)));
        Assert.False(result.Resource.ContainsKey(GatehouseScimSchemas.EnterpriseUserSchemaId));
        Assert.DoesNotContain(result.Resource["schemas"]!.AsArray(), s => s!.GetValue<string>() == GatehouseScimSchemas.EnterpriseUserSchemaId);
    }

    [Fact]
    public void Patch_ValuePathReplace_ChangesMatchingElementOnly()
    {
        var user = User();
        user["emails"]!.AsArray().Add(new JsonObject { ["value"] = "ada@home.example", ["type"] = "home" });
        var result = Ok(user, Request(Op("replace", "emails[type eq \"work\"].value", "countess@example.com")));
        var emails = result.Resource["emails"]!.AsArray();
        Assert.Equal("countess@example.com", emails[0]!["value"]!.GetValue<string>());
        Assert.Equal("ada@home.example", emails[1]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_AddressesValuePath_UnknownAttributeIsInvalidPath()
    {
        // addresses is not in Gatehouse's User schema: an explicit path to it fails (invalidPath).
        var error = Fail(User(), Request(Op("replace", "addresses[type eq \"work\"].streetAddress", "1 Main St")));
        Assert.Equal(ScimErrorType.InvalidPath, error.Type);
    }

    [Fact]
    public void Patch_AddressesValuePath_WorksWhenSchemaDeclaresIt()
    {
        var schema = GatehouseScimSchemas.User with
        {
            Attributes = [.. GatehouseScimSchemas.User.Attributes, new ScimAttribute("addresses", ScimAttributeType.Complex)
            {
                MultiValued = true,
                SubAttributes = [new("type", ScimAttributeType.String), new("streetAddress", ScimAttributeType.String), new("country", ScimAttributeType.String)],
            }],
        };
        var type = Users with { Schema = schema };
        var user = User();
        user["addresses"] = JsonNode.Parse("""[{"type":"work","country":"ML"}]""");
        var result = Ok(user, Request(Op("replace", "addresses[type eq \"work\"].streetAddress", "1 Main St")), type);
        Assert.Equal("1 Main St", result.Resource["addresses"]![0]!["streetAddress"]!.GetValue<string>());
        Assert.Equal("ML", result.Resource["addresses"]![0]!["country"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_UnknownPath_IsInvalidPath()
    {
        Assert.Equal(ScimErrorType.InvalidPath, Fail(User(), Request(Op("replace", "isAdmin", true))).Type);
    }

    [Fact]
    public void Patch_MalformedPath_IsInvalidPath()
    {
        Assert.Equal(ScimErrorType.InvalidPath, Fail(User(), Request(Op("replace", "name..givenName", "x"))).Type);
    }

    [Fact]
    public void Patch_FilterOnUnknownSubAttribute_IsError()
    {
        var error = Fail(User(), Request(Op("replace", "emails[kind eq \"work\"].value", "x")));
        Assert.Equal(ScimErrorType.InvalidFilter, error.Type);
    }

    // ---- Path-less operations ----

    [Fact]
    public void Patch_PathlessReplace_NeverErasesOmittedIdentityFields()
    {
        var result = Ok(User(), Request(Op("replace", null, new JsonObject { ["active"] = false })));
        Assert.Equal("ada@example.com", result.Resource["userName"]!.GetValue<string>());
        Assert.Equal("u1", result.Resource["id"]!.GetValue<string>());
        Assert.Equal("ext-1", result.Resource["externalId"]!.GetValue<string>());
        Assert.Equal(["active"], result.ChangedAttributes);
    }

    [Fact]
    public void Patch_PathlessReplaceWithComplex_MergesSubAttributes()
    {
        var result = Ok(User(), Request(Op("replace", null, JsonNode.Parse("""{"name":{"familyName":"King"}}"""))));
        Assert.Equal("Ada", result.Resource["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal("King", result.Resource["name"]!["familyName"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_PathlessDottedKey_TargetsSubAttribute()
    {
        var result = Ok(User(), Request(Op("replace", null, JsonNode.Parse("""{"name.givenName":"Augusta"}"""))));
        Assert.Equal("Augusta", result.Resource["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal("Lovelace", result.Resource["name"]!["familyName"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_PathlessExtensionObject_MergesExtensionAttributes()
    {
        var user = User();
        user[GatehouseScimSchemas.EnterpriseUserSchemaId] = new JsonObject { ["department"] = "R&D" };
        var value = new JsonObject { [GatehouseScimSchemas.EnterpriseUserSchemaId] = new JsonObject { ["employeeNumber"] = "42" } };
        var result = Ok(user, Request(Op("add", null, value)));
        var extension = result.Resource[GatehouseScimSchemas.EnterpriseUserSchemaId]!;
        Assert.Equal("42", extension["employeeNumber"]!.GetValue<string>());
        Assert.Equal("R&D", extension["department"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_PathlessUnknownKey_IsIgnoredAndReported()
    {
        var result = Ok(User(), Request(Op("replace", null, JsonNode.Parse("""{"displayName":"A","urn:custom:worksiteId":"180"}"""))));
        Assert.Equal("A", result.Resource["displayName"]!.GetValue<string>());
        Assert.Contains("urn:custom:worksiteId", result.IgnoredAttributes);
    }

    [Fact]
    public void Patch_PathlessUnknownKeyWhenStrict_IsInvalidPath()
    {
        var options = new ScimPatchOptions { RejectUnknownAttributes = true };
        var error = Fail(User(), Request(Op("replace", null, JsonNode.Parse("""{"nickName":"A"}"""))), options: options);
        Assert.Equal(ScimErrorType.InvalidPath, error.Type);
    }

    [Fact]
    public void Patch_PathlessKeysDifferingOnlyByCase_IsInvalidSyntax()
    {
        var value = new JsonObject { ["active"] = false, ["Active"] = true };
        Assert.Equal(ScimErrorType.InvalidSyntax, Fail(User(), Request(Op("replace", null, value))).Type);
    }

    [Fact]
    public void Patch_PathlessValueNotObject_IsInvalidValue()
    {
        Assert.Equal(ScimErrorType.InvalidValue, Fail(User(), Request(Op("replace", null, "x"))).Type);
    }

    [Fact]
    public void Patch_PathlessRemove_IsNoTarget()
    {
        Assert.Equal(ScimErrorType.NoTarget, Fail(User(), Request(Op("remove", null, null))).Type);
    }

    [Fact]
    public void Patch_PathlessWithUnchangedId_IsAccepted()
    {
        var result = Ok(User(), Request(Op("replace", null, JsonNode.Parse("""{"id":"u1","displayName":"B"}"""))));
        Assert.Equal(["displayName"], result.ChangedAttributes);
    }

    [Fact]
    public void Patch_PathlessWithDifferentId_IsMutability()
    {
        var error = Fail(User(), Request(Op("replace", null, JsonNode.Parse("""{"id":"u2"}"""))));
        Assert.Equal(ScimErrorType.Mutability, error.Type);
    }

    // ---- Booleans ----

    [Theory]
    [InlineData("False", false)]
    [InlineData("false", false)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    public void Patch_BooleanAsString_IsCoerced(string text, bool expected)
    {
        var user = User();
        user["active"] = !expected;
        var result = Ok(user, Request(Op("Replace", "active", text)));
        Assert.Equal(expected, result.Resource["active"]!.GetValue<bool>());
    }

    [Fact]
    public void Patch_BooleanSubAttributeAsString_IsCoerced()
    {
        var result = Ok(User(), Request(Op("replace", "emails[type eq \"work\"].primary", "False")));
        Assert.False(result.Resource["emails"]![0]!["primary"]!.GetValue<bool>());
    }

    [Fact]
    public void Patch_BooleanNotParseable_IsInvalidValue()
    {
        Assert.Equal(ScimErrorType.InvalidValue, Fail(User(), Request(Op("replace", "active", "nope"))).Type);
    }

    // ---- Multi-valued ----

    [Fact]
    public void Patch_ReplaceFilterMatchingNothing_AddsElementFromEqFilter()
    {
        var result = Ok(User(), Request(Op("replace", "emails[type eq \"home\"].value", "ada@home.example")));
        var emails = result.Resource["emails"]!.AsArray();
        Assert.Equal(2, emails.Count);
        Assert.Equal("home", emails[1]!["type"]!.GetValue<string>());
        Assert.Equal("ada@home.example", emails[1]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_ReplaceNonEqFilterMatchingNothing_IsNoTarget()
    {
        var error = Fail(User(), Request(Op("replace", "emails[type ne \"work\"].value", "x@example.com")));
        Assert.Equal(ScimErrorType.NoTarget, error.Type);
    }

    [Fact]
    public void Patch_RemoveFilterMatchingNothing_IsNoTarget()
    {
        var error = Fail(User(), Request(Op("remove", "emails[type eq \"home\"]", null)));
        Assert.Equal(ScimErrorType.NoTarget, error.Type);
        Assert.Equal("noTarget", error.ScimType);
    }

    [Fact]
    public void Patch_RemoveWithFilter_RemovesOnlyMatchingElements()
    {
        var user = User();
        user["emails"]!.AsArray().Add(new JsonObject { ["value"] = "ada@home.example", ["type"] = "home" });
        var result = Ok(user, Request(Op("remove", "emails[type eq \"home\"]", null)));
        Assert.Single(result.Resource["emails"]!.AsArray());
    }

    [Fact]
    public void Patch_AddEmailWithPrimary_ClearsOtherPrimary()
    {
        var value = JsonNode.Parse("""[{"value":"new@example.com","type":"home","primary":true}]""");
        var result = Ok(User(), Request(Op("add", "emails", value)));
        var emails = result.Resource["emails"]!.AsArray();
        Assert.Equal(1, emails.Count(e => e!["primary"]?.GetValue<bool>() == true));
        Assert.True(emails[1]!["primary"]!.GetValue<bool>());
    }

    [Fact]
    public void Patch_AddSingleObjectToMultiValued_IsWrapped()
    {
        var result = Ok(User(), Request(Op("add", "emails", JsonNode.Parse("""{"value":"b@example.com","type":"home"}"""))));
        Assert.Equal(2, result.Resource["emails"]!.AsArray().Count);
    }

    [Fact]
    public void Patch_AddExistingEmail_DoesNotDuplicate()
    {
        var result = Ok(User(), Request(Op("add", "emails", JsonNode.Parse("""[{"value":"ADA@example.com","type":"work"}]"""))));
        Assert.Single(result.Resource["emails"]!.AsArray());
    }

    // ---- Groups and members ----

    [Fact]
    public void Patch_AddMembers_MergesWithoutDuplicatesAndReportsAdded()
    {
        var value = JsonNode.Parse("""[{"value":"u2"},{"value":"u3"},{"value":"u2"}]""");
        var result = Ok(Group("u1", "u2"), Request(Op("Add", "members", value)), Groups);
        Assert.Equal(["u1", "u2", "u3"], result.Members!.Current);
        Assert.Equal(["u3"], result.Members.Added);
        Assert.Empty(result.Members.Removed);
        Assert.False(result.Members.Replaced);
    }

    [Fact]
    public void Patch_RemoveMembersWithValueArray_RemovesExactlyThose()
    {
        var value = JsonNode.Parse("""[{"value":"u2"},{"value":"u9"}]""");
        var result = Ok(Group("u1", "u2", "u3"), Request(Op("Remove", "members", value)), Groups);
        Assert.Equal(["u1", "u3"], result.Members!.Current);
        Assert.Equal(["u2"], result.Members.Removed);
    }

    [Fact]
    public void Patch_RemoveMembersWithoutValue_RemovesAll()
    {
        var result = Ok(Group("u1", "u2"), Request(Op("remove", "members", null)), Groups);
        Assert.Empty(result.Members!.Current);
        Assert.Equal(["u1", "u2"], result.Members.Removed);
        Assert.False(result.Resource.ContainsKey("members"));
    }

    [Fact]
    public void Patch_RemoveMemberByFilter_ReportsRemoved()
    {
        var result = Ok(Group("u1", "u2"), Request(Op("remove", "members[value eq \"u1\"]", null)), Groups);
        Assert.Equal(["u1"], result.Members!.Removed);
        Assert.Equal(["u2"], result.Members.Current);
    }

    [Fact]
    public void Patch_RemoveMemberNotInGroup_IsIdempotentNoOp()
    {
        var result = Ok(Group("u1"), Request(Op("remove", "members[value eq \"u9\"]", null)), Groups);
        Assert.False(result.Changed);
        Assert.False(result.Members!.Any);
    }

    [Fact]
    public void Patch_RemoveMemberNotInGroupWhenStrict_IsNoTarget()
    {
        var options = new ScimPatchOptions { StrictMemberRemoval = true };
        var error = Fail(Group("u1"), Request(Op("remove", "members[value eq \"u9\"]", null)), Groups, options);
        Assert.Equal(ScimErrorType.NoTarget, error.Type);
    }

    [Fact]
    public void Patch_ReplaceMembers_ReportsReplacedWithFullList()
    {
        var value = JsonNode.Parse("""[{"value":"u2"},{"value":"u4"}]""");
        var result = Ok(Group("u1", "u2"), Request(Op("replace", "members", value)), Groups);
        Assert.True(result.Members!.Replaced);
        Assert.Equal(["u2", "u4"], result.Members.Current);
        Assert.Equal(["u4"], result.Members.Added);
        Assert.Equal(["u1"], result.Members.Removed);
    }

    [Fact]
    public void Patch_AddThenRemoveSameMember_CancelsOut()
    {
        var result = Ok(Group("u1"), Request(
            Op("add", "members", JsonNode.Parse("""[{"value":"u2"}]""")),
            Op("remove", "members[value eq \"u2\"]", null)), Groups);
        Assert.False(result.Members!.Any);
        Assert.False(result.Changed);
    }

    // ---- Mutability ----

    [Theory]
    [InlineData("id")]
    [InlineData("meta")]
    [InlineData("meta.created")]
    [InlineData("groups")]
    public void Patch_ReadOnlyAttribute_IsMutability(string path)
    {
        var error = Fail(User(), Request(Op("replace", path, "x")));
        Assert.Equal(ScimErrorType.Mutability, error.Type);
        Assert.Equal("mutability", error.ScimType);
    }

    [Fact]
    public void Patch_RemoveReadOnlyAttribute_IsMutability()
    {
        Assert.Equal(ScimErrorType.Mutability, Fail(User(), Request(Op("remove", "id", null))).Type);
    }

    [Fact]
    public void Patch_CallerDeclaredReadOnly_IsMutability()
    {
        var options = new ScimPatchOptions { ReadOnlyAttributes = ["userName"] };
        var error = Fail(User(), Request(Op("replace", "userName", "other@example.com")), options: options);
        Assert.Equal(ScimErrorType.Mutability, error.Type);
    }

    [Fact]
    public void Patch_CallerDeclaredReadOnlyInPathlessValue_IsMutability()
    {
        var options = new ScimPatchOptions { ReadOnlyAttributes = ["userName"] };
        var error = Fail(User(), Request(Op("replace", null, JsonNode.Parse("""{"userName":"other@example.com"}"""))), options: options);
        Assert.Equal(ScimErrorType.Mutability, error.Type);
    }

    [Fact]
    public void Patch_ImmutableAlreadySet_IsMutability()
    {
        var schema = GatehouseScimSchemas.User with
        {
            Attributes = [.. GatehouseScimSchemas.User.Attributes.Select(a => a.Name == "title" ? a with { Mutability = ScimMutability.Immutable } : a)],
        };
        var type = Users with { Schema = schema };
        var user = User();
        var set = Ok(user, Request(Op("add", "title", "Dr")), type);
        Assert.Equal("Dr", set.Resource["title"]!.GetValue<string>());
        var error = Fail(set.Resource, Request(Op("replace", "title", "Prof")), type);
        Assert.Equal(ScimErrorType.Mutability, error.Type);
    }

    [Fact]
    public void Patch_RemoveRequiredUserName_IsInvalidValue()
    {
        Assert.Equal(ScimErrorType.InvalidValue, Fail(User(), Request(Op("remove", "userName", null))).Type);
    }

    // ---- Atomicity and results ----

    [Fact]
    public void Patch_LaterOperationFails_NothingIsApplied()
    {
        var user = User();
        var error = Fail(user, Request(Op("replace", "displayName", "Changed"), Op("replace", "id", "x")));
        Assert.Equal(ScimErrorType.Mutability, error.Type);
        Assert.StartsWith("Operation 1:", error.Detail);
        Assert.Equal("Ada", user["displayName"]!.GetValue<string>());
    }

    [Fact]
    public void Patch_DeactivateUser_ReportsActiveChanged()
    {
        var result = Ok(User(), Request(Op("Replace", "active", "False")));
        Assert.True(result.HasChanged("active"));
        Assert.False(result.Resource["active"]!.GetValue<bool>());
        Assert.Null(result.Members);
    }

    [Fact]
    public void Patch_ReplaceWithSameValue_ReportsNoChange()
    {
        var result = Ok(User(), Request(Op("replace", "displayName", "Ada")));
        Assert.False(result.Changed);
    }

    [Fact]
    public void Patch_RemoveSimpleAttribute_Unassigns()
    {
        var result = Ok(User(), Request(Op("remove", "displayName", null)));
        Assert.False(result.Resource.ContainsKey("displayName"));
        Assert.Equal(["displayName"], result.ChangedAttributes);
    }

    [Fact]
    public void Patch_NullValue_Unassigns()
    {
        var result = Ok(User(), Request(JsonNode.Parse("""{"op":"replace","path":"displayName","value":null}""")!.AsObject()));
        Assert.False(result.Resource.ContainsKey("displayName"));
    }

    [Fact]
    public void Patch_StringForNumberTypedString_IsKeptAsText()
    {
        var result = Ok(User(), Request(Op("replace", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", 701984)));
        Assert.Equal("701984", result.Resource[GatehouseScimSchemas.EnterpriseUserSchemaId]!["employeeNumber"]!.GetValue<string>());
    }
}
