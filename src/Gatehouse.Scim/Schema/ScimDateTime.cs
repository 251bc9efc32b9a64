using System.Globalization;

namespace Gatehouse.Scim;

/// <summary>
/// RFC 7643 §2.3.5: dateTime values are xsd:dateTime (<c>2008-01-23T04:56:22Z</c>). Parsing is strict on
/// purpose: a lenient parser would accept "5/1/2020" and compare it under an unknown convention.
/// </summary>
public static class ScimDateTime
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
    ];

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40) return false;
        return DateTimeOffset.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>The canonical form we write: UTC, <c>Z</c> suffix, fractional seconds only when present.</summary>
    public static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
