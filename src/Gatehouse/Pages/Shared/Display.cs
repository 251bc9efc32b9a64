namespace Gatehouse.Pages;

/// <summary>How pages show times: UTC, minute precision, the same everywhere.</summary>
public static class Display
{
    public static string Time(DateTime? utc, string none = "—") =>
        utc is { } t ? t.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : none;

    public static string YesNo(bool value) => value ? "Yes" : "No";

    /// <summary>Bounds a free-text filter from the query string, so a huge one costs nothing.</summary>
    public static string? Filter(string? value, int max = 128) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim() is var t && t.Length > max ? t[..max] : value.Trim();
}
