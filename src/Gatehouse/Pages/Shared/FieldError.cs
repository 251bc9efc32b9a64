namespace Gatehouse.Pages;

/// <summary>The messages of one form field, rendered under it by <c>_FieldError.cshtml</c>.</summary>
public sealed record FieldError(IReadOnlyDictionary<string, List<string>> Errors, string Field, string Label)
{
    public string Id => Field + "-error";
    public IReadOnlyList<string> Messages => Errors.TryGetValue(Field, out var m) ? m : [];
}
