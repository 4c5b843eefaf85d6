using System.Globalization;

namespace TimeDb.Domain.Time;

/// <summary>ISO 8601 timestamps as TimeDB reads them: a time without an offset is UTC; results are in UTC.</summary>
public static class UtcTimestamp
{
    public static bool TryParse(string? text, out DateTimeOffset value) => TryParse(text.AsSpan(), out value);

    /// <inheritdoc cref="TryParse(string?, out DateTimeOffset)"/>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.IsWhiteSpace())
        {
            return false;
        }

        // DateTimeOffset.TryParse ignores a trailing NUL; no control character belongs in a time.
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return false;
            }
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

    /// <summary>The format string of <see cref="Format(DateTime)"/>, for writers that format into their own buffers (CSV).</summary>
    public const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    /// <summary>
    /// How TimeDB writes a time, in responses and in error messages alike: UTC, ISO 8601, a <c>Z</c>, and
    /// fractional seconds only when there are some (2025-01-01T00:00:00Z, 2025-01-01T00:00:00.5Z).
    /// </summary>
    public static string Format(DateTimeOffset value) => Format(value.UtcDateTime);

    /// <inheritdoc cref="Format(DateTimeOffset)"/>
    public static string Format(DateTime utc) => utc.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>The same instant with offset zero (what PostgreSQL timestamptz parameters need).</summary>
    public static DateTimeOffset ToUtc(DateTimeOffset value) => value.ToUniversalTime();
}
