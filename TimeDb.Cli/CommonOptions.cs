using System.CommandLine;
using System.Globalization;

namespace TimeDb.Cli;

internal static class CommonOptions
{
    public static Option<string?> Dsn() => new("--dsn", "-d")
    {
        Description = "PostgreSQL connection (postgresql://… URI or Npgsql keywords); default: TIMEDB_DSN, DATABASE_URL, .env",
    };

    public static Option<bool> Yes() => new("--yes", "-y") { Description = "Do not ask for confirmation" };

    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON" };

    /// <summary>
    /// A whole number within [min, max]. Parsed here rather than by a validator, so "abc" or "0" is a
    /// usage error (exit 2) and never an exception.
    /// </summary>
    public static Option<int> Integer(string name, string description, int defaultValue, int min, int max = int.MaxValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            result.AddError(max == int.MaxValue
                ? $"{name} must be a whole number of at least {min}, not '{text}'"
                : $"{name} must be a whole number from {min} to {max}, not '{text}'");
            return defaultValue;
        },
    };
}
