using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace TimeDb.Cli;

/// <summary>
/// Parse errors as a user reads them: an unknown command is one line with the closest command, and a value
/// that does not convert names what was expected ("must be a UUID"), never a .NET type.
/// </summary>
internal static partial class UsageErrors
{
    /// <summary>The one line for a word that is no command where a command was expected, or null.</summary>
    public static string? UnknownCommand(ParseResult parsed)
    {
        var unknown = parsed.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
        return unknown is not null && parsed.CommandResult.Command.Subcommands.Count > 0 ? UnknownCommand(parsed.CommandResult, unknown) : null;
    }

    public static IReadOnlyList<string> Describe(ParseResult parsed) => [.. parsed.Errors.Select(Describe).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// System.CommandLine has typo suggestions, but only as its own multi-line error action ("… was not matched.
    /// Did you mean one of the following?"); the one line here uses the same idea (edit distance, then prefix).
    /// </summary>
    private static string UnknownCommand(CommandResult where, string token)
    {
        var path = string.Join(' ', Path(where).Append(token));
        var candidates = where.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        var closest = candidates
            .Select(name => (name, distance: Distance(token, name)))
            .Where(c => c.distance <= Math.Max(1, token.Length / 3) || (token.Length >= 2 && c.name.StartsWith(token, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(c => c.distance)
            .Select(c => c.name)
            .FirstOrDefault();
        return closest is null
            ? $"unknown command '{path}'; the commands here are: {string.Join(", ", candidates)}"
            : $"unknown command '{path}'; did you mean '{string.Join(' ', Path(where).Append(closest))}'?";
    }

    private static Stack<string> Path(CommandResult where)
    {
        var names = new Stack<string>();
        for (SymbolResult? r = where; r is CommandResult { Parent: not null } c; r = c.Parent)
        {
            names.Push(c.Command.Name);
        }

        return names;
    }

    private static string Describe(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        var type = option is null ? null : Nullable.GetUnderlyingType(option.Option.ValueType) ?? option.Option.ValueType;
        if (option is not null && type is not null && Expected(type) is { } expected && error.Message.Contains(type.FullName ?? type.Name, StringComparison.Ordinal))
        {
            var text = option.Tokens.Count > 0 ? option.Tokens[0].Value : "";
            return $"{option.Option.Name} must be {expected}, not '{text}'";
        }

        // Whatever else names a .NET type keeps its sense without it.
        return DotNetType().Replace(error.Message, "");
    }

    private static string? Expected(Type type) =>
        type == typeof(Guid) ? "a UUID (e.g. 8f14e45f-ceea-467f-a0b7-8d6a7c0b5e52)"
        : type == typeof(int) || type == typeof(long) || type == typeof(short) ? "a whole number"
        : type == typeof(double) || type == typeof(decimal) || type == typeof(float) ? "a number"
        : type == typeof(DateTimeOffset) || type == typeof(DateTime) ? "an ISO 8601 time (e.g. 2025-01-01T00:00:00Z)"
        : type == typeof(TimeSpan) ? "a duration (e.g. 00:30:00)"
        : type == typeof(bool) ? "true or false"
        : type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}"
        : null;

    /// <summary>Levenshtein distance, case-insensitive.</summary>
    private static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    [GeneratedRegex(@" as expected type '[^']*'")]
    private static partial Regex DotNetType();
}
