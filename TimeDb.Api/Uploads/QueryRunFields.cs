using System.Text;
using System.Text.Json;
using TimeDb.Api.Json;
using TimeDb.Domain.Runs;
using TimeDb.Domain.Text;
using TimeDb.Domain.Time;

namespace TimeDb.Api.Uploads;

/// <summary>
/// The run's fields of an upload whose body holds only rows (CSV, Arrow), read from the query string
/// (<see cref="UploadQueryFields"/>) with the rules of the JSON body's fields: ISO 8601 times (no offset = UTC),
/// a UUID tenant_id, run_params a JSON object (RunParamsCheck). An unknown or repeated parameter is refused, so a
/// misspelt one is never silently dropped.
/// </summary>
internal static class QueryRunFields
{
    private static readonly JsonDocumentOptions RunParamsJson = new() { MaxDepth = 64, AllowDuplicateProperties = true };

    public static RunFields Read(IQueryCollection query, UploadProblems problems)
    {
        foreach (var (name, values) in query)
        {
            if (!UploadQueryFields.Names.Contains(name, StringComparer.Ordinal))
            {
                problems.Add(name, name is "series_units" or "series_descriptions"
                    ? $"{name} is taken only in a JSON body; create the series first (POST /series) to give it a unit or description"
                    : $"'{UtcDateTimeOffsetConverter.Shorten(name)}' is not a parameter of an upload; the run's fields are {string.Join(", ", UploadQueryFields.Names)}");
            }
            else if (values.Count > 1)
            {
                problems.Add(name, $"{name} is given {values.Count} times; give it once");
            }
        }

        return new RunFields(
            Time(query, "run_start_time", problems),
            Time(query, "run_finish_time", problems),
            Time(query, "known_time", problems),
            Text(query, "workflow_id"),
            Tenant(query, problems),
            RunParams(Text(query, "run_params"), problems));
    }

    private static string? Text(IQueryCollection query, string name) => query.TryGetValue(name, out var values) ? values[0] : null;

    private static DateTimeOffset? Time(IQueryCollection query, string name, UploadProblems problems)
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        if (UtcTimestamp.TryParse(text, out var time))
        {
            return time;
        }

        problems.Add(name, UtcDateTimeOffsetConverter.NotATime(text));
        return null;
    }

    private static Guid? Tenant(IQueryCollection query, UploadProblems problems)
    {
        if (Text(query, "tenant_id") is not { } text)
        {
            return null;
        }

        if (Guid.TryParse(text, out var tenant))
        {
            return tenant;
        }

        problems.Add("tenant_id", "has the wrong type: expected a UUID string");
        return null;
    }

    private static string? RunParams(string? text, UploadProblems problems)
    {
        if (text is null)
        {
            return null;
        }

        if (Encoding.UTF8.GetByteCount(text) > TextCaps.RunParamsBytes)
        {
            problems.Add("run_params", TextCaps.RunParamsTooLarge);
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text, RunParamsJson);
            var root = document.RootElement;
            var problem = root.ValueKind switch
            {
                JsonValueKind.Null => null,
                _ => RunParamsCheck.ObjectProblem(root),
            };
            if (problem is not null)
            {
                problems.Add("run_params", problem);
                return null;
            }

            return root.ValueKind == JsonValueKind.Null ? null : root.GetRawText();
        }
        catch (JsonException ex)
        {
            problems.Add("run_params", $"run_params is not valid JSON: {ex.Message.Split(" LineNumber", 2)[0].TrimEnd(' ', '|', '.')} (URL-encode it, e.g. %7B%22model%22%3A%22x%22%7D)");
            return null;
        }
    }
}
