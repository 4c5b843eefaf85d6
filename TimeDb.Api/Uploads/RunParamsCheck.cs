using System.Text.Json;
using TimeDb.Api.Json;
using TimeDb.Domain.Text;

namespace TimeDb.Api.Uploads;

/// <summary>
/// run_params is stored as jsonb, which refuses what JSON allows: NUL characters, lone surrogate escapes and
/// numbers beyond its numeric range (1e1000000). Those, and a name given twice in one object (jsonb would
/// silently keep the last), are refused as a 400 here rather than failing in the database. Numbers must fit a
/// double, as every other number of the API does: clients in JavaScript or Python could not read them back.
/// Nesting is capped (<see cref="TextCaps.RunParamsDepth"/>); the size cap is checked by the parser before parsing.
/// </summary>
internal static class RunParamsCheck
{
    private const int MaxProblems = 1;

    /// <summary>
    /// Null when run_params is an object that can be stored, else what is wrong: the one rule of every upload format
    /// (JSON body, query parameter). A JSON null is no run_params, which the callers take before this.
    /// </summary>
    public static string? ObjectProblem(JsonElement runParams) => runParams.ValueKind == JsonValueKind.Object
        ? Problem(runParams)
        : $"run_params must be a JSON object or null, not {Describe(runParams.ValueKind)}";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Null when the object can be stored, else what is wrong (with the JSON path inside run_params).</summary>
    private static string? Problem(JsonElement root)
    {
        var problems = new List<string>(MaxProblems);
        Walk(root, "run_params", 1, problems);
        return problems.Count == 0 ? null : problems[0];
    }

    private static void Walk(JsonElement element, string path, int depth, List<string> problems)
    {
        if (problems.Count >= MaxProblems)
        {
            return;
        }

        if (depth > TextCaps.RunParamsDepth && element.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            problems.Add($"{TextCaps.RunParamsTooDeep}: {path} is level {depth}");
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (Text(property, $"{path} has a name that", problems) is not { } name)
                    {
                        return;
                    }

                    if (!names.Add(name))
                    {
                        problems.Add($"{path}.{name} appears more than once");
                        return;
                    }

                    Walk(property.Value, $"{path}.{name}", depth + 1, problems);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}[{index++}]", depth + 1, problems);
                }

                break;
            case JsonValueKind.String:
                _ = Text(element, path, problems);
                break;
            case JsonValueKind.Number:
                if (!element.TryGetDouble(out var number) || !double.IsFinite(number) || (number == 0 && !IsZero(element.GetRawText())))
                {
                    problems.Add($"{path} is out of range for a double (about ±1.8e308, smallest 5e-324)");
                }

                break;
        }
    }

    private static string? Text(JsonProperty property, string what, List<string> problems)
    {
        try
        {
            var name = property.Name;
            return Check(name, what, problems);
        }
        catch (InvalidOperationException)
        {
            problems.Add($"{what} {StorableStringConverter.InvalidText}");
            return null;
        }
    }

    private static string? Text(JsonElement element, string path, List<string> problems)
    {
        try
        {
            return Check(element.GetString()!, path, problems);
        }
        catch (InvalidOperationException)
        {
            problems.Add($"{path} {StorableStringConverter.InvalidText}");
            return null;
        }
    }

    private static string? Check(string text, string what, List<string> problems)
    {
        if (TextRules.HasNul(text))
        {
            problems.Add($"{what} {TextRules.NulMessage}");
            return null;
        }

        return text;
    }

    /// <summary>A literal zero (0, -0.0, 0e5), not a tiny number that a double rounds to zero.</summary>
    private static bool IsZero(string raw)
    {
        foreach (var c in raw)
        {
            if (c is 'e' or 'E')
            {
                return true;
            }

            if (c is not ('0' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
