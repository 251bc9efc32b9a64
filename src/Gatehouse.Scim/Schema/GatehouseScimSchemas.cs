namespace Gatehouse.Scim;

/// <summary>
/// The one description of what Gatehouse's SCIM service supports. The filter binder, the PATCH applier and the
/// <c>/Schemas</c>, <c>/ResourceTypes</c> documents all read it, so the advertised schema is exactly the accepted one.
/// </summary>
public static class GatehouseScimSchemas
{
    public const string UserSchemaId = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string EnterpriseUserSchemaId = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string GroupSchemaId = "urn:ietf:params:scim:schemas:core:2.0:Group";

    public static ScimSchema User { get; } = new(UserSchemaId, "User", "User Account",
    [
        new("userName", ScimAttributeType.String)
        {
            Required = true, Uniqueness = ScimUniqueness.Server,
            Description = "Unique identifier for the User, used to sign in. Compared case-insensitively.",
        },
        new("name", ScimAttributeType.Complex)
        {
            Description = "The components of the user's name.",
            SubAttributes =
            [
                new("formatted", ScimAttributeType.String) { Description = "The full name, formatted for display." },
                new("familyName", ScimAttributeType.String) { Description = "The family name (last name)." },
                new("givenName", ScimAttributeType.String) { Description = "The given name (first name)." },
            ],
        },
        new("displayName", ScimAttributeType.String) { Description = "The name of the User, suitable for display." },
        new("title", ScimAttributeType.String) { Description = "The user's title, such as \"Vice President\"." },
        new("emails", ScimAttributeType.Complex)
        {
            MultiValued = true,
            Description = "Email addresses for the user.",
            SubAttributes =
            [
                new("value", ScimAttributeType.String) { Description = "The email address." },
                new("type", ScimAttributeType.String) { Description = "A label: work, home or other.", CanonicalValues = ["work", "home", "other"] },
                new("primary", ScimAttributeType.Boolean) { Description = "Whether this is the primary address." },
            ],
        },
        new("active", ScimAttributeType.Boolean) { Description = "Whether the user may sign in. false ends the user's sessions." },
        new("groups", ScimAttributeType.Complex)
        {
            MultiValued = true, Mutability = ScimMutability.ReadOnly,
            Description = "The groups the user belongs to; change membership through the Group resource.",
            SubAttributes =
            [
                new("value", ScimAttributeType.String) { Mutability = ScimMutability.ReadOnly, Description = "The id of the Group." },
                new("$ref", ScimAttributeType.Reference) { Mutability = ScimMutability.ReadOnly, ReferenceTypes = ["Group"], Description = "The URI of the Group." },
                new("display", ScimAttributeType.String) { Mutability = ScimMutability.ReadOnly, Description = "The group's displayName." },
            ],
        },
    ]);

    public static ScimSchema EnterpriseUser { get; } = new(EnterpriseUserSchemaId, "EnterpriseUser", "Enterprise User",
    [
        new("employeeNumber", ScimAttributeType.String) { Description = "Identifier assigned to a person by the organization." },
        new("department", ScimAttributeType.String) { Description = "The department." },
        new("organization", ScimAttributeType.String) { Description = "The organization." },
        new("manager", ScimAttributeType.Complex)
        {
            Description = "The user's manager.",
            SubAttributes =
            [
                new("value", ScimAttributeType.String) { Description = "The id of the manager's User." },
                new("$ref", ScimAttributeType.Reference) { ReferenceTypes = ["User"], Description = "The URI of the manager's User." },
                new("displayName", ScimAttributeType.String) { Mutability = ScimMutability.ReadOnly, Description = "The manager's displayName." },
            ],
        },
    ]);

    public static ScimSchema Group { get; } = new(GroupSchemaId, "Group", "Group",
    [
        new("displayName", ScimAttributeType.String) { Required = true, Description = "A human-readable name for the Group." },
        new("members", ScimAttributeType.Complex)
        {
            MultiValued = true,
            Description = "The members of the Group (Users of the same site).",
            SubAttributes =
            [
                new("value", ScimAttributeType.String) { Mutability = ScimMutability.Immutable, Description = "The id of the member." },
                new("$ref", ScimAttributeType.Reference) { Mutability = ScimMutability.Immutable, ReferenceTypes = ["User"], Description = "The URI of the member." },
                new("display", ScimAttributeType.String) { Description = "The member's display name." },
                new("type", ScimAttributeType.String) { Mutability = ScimMutability.Immutable, CanonicalValues = ["User"], Description = "The type of the member." },
            ],
        },
    ]);

    public static ScimResourceType UserResource { get; } = new("User", "/Users", "User Account", User)
    {
        Extensions = [new ScimSchemaExtension(EnterpriseUser)],
    };

    public static ScimResourceType GroupResource { get; } = new("Group", "/Groups", "Group", Group);

    public static IReadOnlyList<ScimResourceType> ResourceTypes { get; } = [UserResource, GroupResource];
}
