using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace TimeDb.Infrastructure.Values;

/// <summary>
/// Turns a parameterised read into one SQL text with the parameters written as literals, for
/// <c>COPY (query) TO STDOUT</c>, which takes no parameters. Only the parameter types the value
/// reads use are supported; anything else is refused rather than guessed.
/// </summary>
internal static partial class ValueQueryLiterals
{
    public static string Inline(NpgsqlCommand command)
    {
        var values = command.Parameters.ToDictionary(p => p.ParameterName, p => p.Value, StringComparer.Ordinal);
        return ParameterPattern().Replace(command.CommandText, match =>
            values.TryGetValue(match.Groups[1].Value, out var value)
                ? Literal(value)
                : throw new InvalidOperationException($"no value for parameter {match.Value}"));
    }

    private static string Literal(object? value) => value switch
    {
        Guid id => $"'{id}'::uuid",
        Guid[] ids => $"ARRAY[{string.Join(',', ids.Select(id => $"'{id}'"))}]::uuid[]",
        DateTime time => $"'{time.ToString("O", CultureInfo.InvariantCulture)}'::timestamptz",
        DateTimeOffset time => $"'{time.ToString("O", CultureInfo.InvariantCulture)}'::timestamptz",
        string[] texts => $"ARRAY[{string.Join(',', texts.Select(Quote))}]::text[]",
        _ => throw new NotSupportedException($"cannot write a {value?.GetType().Name ?? "null"} parameter as a literal"),
    };

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"@([a-z_]+)")]
    private static partial Regex ParameterPattern();
}
