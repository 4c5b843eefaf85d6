using System.Globalization;
using TimeDb.Domain.Time;

namespace TimeDb.Cli;

/// <summary>
/// <c>--expires</c> of <c>timedb keys create</c>: a number of days (<c>30d</c>) or hours (<c>12h</c>) from now, or an
/// ISO 8601 date or date/time (UTC when it has no offset), read as the API reads times.
/// </summary>
internal static class KeyExpiry
{
    private const int MaxDays = 36_500;

    public static DateTimeOffset Parse(string text, DateTimeOffset now)
    {
        var s = text.Trim();
        if (s.Length > 1 && int.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            switch (char.ToLowerInvariant(s[^1]))
            {
                case 'd' when count <= MaxDays:
                    return now.AddDays(count);
                case 'h' when count <= MaxDays * 24:
                    return now.AddHours(count);
            }
        }

        if (UtcTimestamp.TryParse(s, out var at))
        {
            return at;
        }

        throw new CliException(
            $"--expires takes days (30d) or hours (12h) from now, at most {MaxDays} days, or an ISO 8601 date or date/time " +
            $"(2027-01-31, 2027-01-31T12:00:00Z); '{s}' is neither");
    }
}
