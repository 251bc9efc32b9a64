namespace Gatehouse.Pages.Admin.Groups;

public sealed record GroupFields(string Name, string Notes, IReadOnlyDictionary<string, List<string>> Errors, string IdPrefix)
{
    public FieldError E(string field, string label) => new(Errors, field, label);
    public string? Invalid(string field) => Errors.ContainsKey(field) ? "true" : null;
    public string? Describe(string field) => Errors.ContainsKey(field) ? field + "-error" : null;
}
