using System.Globalization;

namespace TimeDb.Domain.Time;

/// <summary>ISO 8601 timestamps as TimeDB reads them: a time without an offset is UTC; results are in UTC.</summary>
public static class UtcTimestamp
{
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // DateTimeOffset.TryParse ignores a trailing NUL; no control character belongs in a time.
        if (text.Any(char.IsControl))
        {
            return false;
        }

        var s = text.Trim();
        // Require the ISO shape (yyyy-MM-dd…) so culture-specific forms like 01/02/2025 are refused.
        if (s.Length < 10 || !char.IsAsciiDigit(s[0]) || s[4] != '-' || s[7] != '-')
        {
            return false;
        }

        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
        {
            return false;
        }

        value = parsed.ToUniversalTime();
        return true;
    }

    /// <summary>The same instant with offset zero (what PostgreSQL timestamptz parameters need).</summary>
    public static DateTimeOffset ToUtc(DateTimeOffset value) => value.ToUniversalTime();
}
