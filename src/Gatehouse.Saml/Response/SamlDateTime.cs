using System.Globalization;

namespace Gatehouse.Saml;

/// <summary>SAML Core §1.3.3: xs:dateTime "MUST be expressed in UTC form, with no time zone component",
/// i.e. a trailing 'Z'. Offsets, missing zones and anything unparsable are refused, never guessed.</summary>
internal static class SamlDateTime
{
    public static bool TryParse(string? value, out DateTimeOffset result)
    {
        result = default;
        if (value is null || value.Length < 20 || value[^1] != 'Z' || value[10] != 'T') return false;
        string core = value[..19];
        if (!DateTime.TryParseExact(core, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dateTime))
        {
            return false;
        }
        var fraction = value.AsSpan(19, value.Length - 20);
        long ticks = 0;
        if (fraction.Length > 0)
        {
            if (fraction[0] != '.' || fraction.Length == 1) return false;
            var digits = fraction[1..];
            long scale = TimeSpan.TicksPerSecond;
            foreach (char c in digits)
            {
                if (c is < '0' or > '9') return false;
                scale /= 10; // digits beyond 100 ns are accepted and ignored
                ticks += (c - '0') * scale;
            }
        }
        result = new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)).AddTicks(ticks);
        return true;
    }

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
