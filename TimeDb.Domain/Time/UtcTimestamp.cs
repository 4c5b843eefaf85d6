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

    /// <summary>What <see cref="Format(DateTime)"/> and <see cref="FormatUtf8"/> write, as a .NET custom format (UtcTimestampTests holds them to it).</summary>
    public const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    /// <summary>
    /// How TimeDB writes a time, in responses and in error messages alike: UTC, ISO 8601, a <c>Z</c>, and
    /// fractional seconds only when there are some (2025-01-01T00:00:00Z, 2025-01-01T00:00:00.5Z).
    /// </summary>
    public static string Format(DateTimeOffset value) => Format(value.UtcDateTime);

    /// <inheritdoc cref="Format(DateTimeOffset)"/>
    public static string Format(DateTime utc)
    {
        Span<byte> utf8 = stackalloc byte[MaxLength];
        return System.Text.Encoding.ASCII.GetString(utf8[..FormatUtf8(utc, utf8)]);
    }

    /// <summary>The longest <see cref="Format(DateTime)"/> text: 2025-01-01T00:00:00.1234567Z.</summary>
    public const int MaxLength = 28;

    /// <summary>
    /// <see cref="Format(DateTime)"/> as UTF-8 into <paramref name="destination"/> (at least <see cref="MaxLength"/>
    /// bytes), returning the length: what streamed answers write for every row. The standard "s" format has a fast
    /// path that the custom <see cref="Pattern"/> has not (it is parsed at every call); the fraction is written here.
    /// </summary>
    public static int FormatUtf8(DateTime utc, Span<byte> destination)
    {
        utc.TryFormat(destination, out var length, "s", CultureInfo.InvariantCulture);
        var fraction = (int)(utc.Ticks % TimeSpan.TicksPerSecond);
        if (fraction != 0)
        {
            destination[length++] = (byte)'.';
            var digits = 7;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            for (var i = length + digits - 1; i >= length; i--)
            {
                destination[i] = (byte)('0' + (fraction % 10));
                fraction /= 10;
            }

            length += digits;
        }

        destination[length++] = (byte)'Z';
        return length;
    }

    /// <summary>The same instant with offset zero (what PostgreSQL timestamptz parameters need).</summary>
    public static DateTimeOffset ToUtc(DateTimeOffset value) => value.ToUniversalTime();
}
