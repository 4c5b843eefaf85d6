using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TimeDb.Api.Contracts;
using TimeDb.Api.Json;
using TimeDb.Api.Validation;
using TimeDb.Domain.Runs;
using TimeDb.Domain.Text;

namespace TimeDb.Api.Uploads;

/// <summary>
/// <c>application/json</c> uploads: System.Text.Json's own streaming deserializer reads the envelope
/// (<see cref="UploadRequest"/>), and its <c>value_rows</c> element by element into the upload's rows
/// (<see cref="JsonValueRows"/>). The API's JSON options apply (snake_case, strict numbers, no duplicate names,
/// NUL and invalid text refused); unknown properties are ignored. A value the serializer reads whole (a string,
/// run_params, an unknown property) is bounded by <see cref="JsonValueSizeGuard"/> (ADR-020).
/// </summary>
internal sealed class JsonUploadReader(IOptions<JsonOptions> json) : IUploadBodyReader
{
    private readonly JsonSerializerOptions _options = json.Value.JsonSerializerOptions;

    public string MediaType => "application/json";

    public IReadOnlyList<string> QueryParameters => [];

    public string Locate(long row, string? field) => field is null ? $"value_rows[{row}]" : $"value_rows[{row}].{field}";

    public async Task<RunFields?> ReadAsync(Stream body, IQueryCollection query, UploadRows rows, CancellationToken cancellationToken)
    {
        UploadRequest? request;
        try
        {
            using (JsonValueRows.ReadInto(rows))
            {
                request = await JsonSerializer.DeserializeAsync<UploadRequest>(new JsonValueSizeGuard(body), _options, cancellationToken);
            }
        }
        catch (JsonException ex)
        {
            var (location, message) = ValidationProblemFactory.DescribeJsonException(ex);
            rows.Problems.Add(location, message);
            return null;
        }
        catch (JsonValueTooLargeException)
        {
            rows.Problems.Add("body", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"one JSON value (a string, run_params or an unknown property) is larger than {JsonValueSizeGuard.MaxValueBytes / (1024 * 1024)} MB: no field may hold that much (value_key at most {TextCaps.SeriesKey} characters, run_params {TextCaps.RunParamsBytes / 1024} kB)"));
            return null;
        }
        catch (InvalidOperationException)
        {
            // Text that is not valid UTF-8 or holds a lone surrogate escape, read where no converter catches it.
            rows.Problems.Add("body", $"malformed JSON: a string {StorableStringConverter.InvalidText}");
            return null;
        }

        if (request is null)
        {
            rows.Problems.Add("body", "has the wrong type: expected a JSON object");
            return null;
        }

        if (request.ValueRows is null)
        {
            rows.Problems.Add("value_rows", "value_rows is required (a list of {valid_time, value_key, value})");
        }

        CheckMap(request.SeriesDescriptions, "series_descriptions", allowBlank: true, TextCaps.Description, rows.Problems);
        CheckMap(request.SeriesUnits, "series_units", allowBlank: false, TextCaps.Unit, rows.Problems);
        return new RunFields(request.RunStartTime, request.RunFinishTime, request.KnownTime, request.WorkflowId, request.TenantId,
            RunParams(request.RunParams, rows.Problems), request.SeriesDescriptions, request.SeriesUnits);
    }

    /// <summary>run_params as stored (its text as sent), or null after reporting why it cannot be.</summary>
    private static string? RunParams(JsonElement? runParams, UploadProblems problems)
    {
        if (runParams is not { } element)
        {
            return null;
        }

        var problem = element.ValueKind == JsonValueKind.Object && JsonMarshal.GetRawUtf8Value(element).Length > TextCaps.RunParamsBytes
            ? TextCaps.RunParamsTooLarge
            : RunParamsCheck.ObjectProblem(element);
        if (problem is not null)
        {
            problems.Add("run_params", problem);
            return null;
        }

        return element.GetRawText();
    }

    /// <summary>A map of value_key to text (a unit, a description), each text at most <paramref name="cap"/> characters.</summary>
    private static void CheckMap(Dictionary<string, string>? map, string name, bool allowBlank, int cap, UploadProblems problems)
    {
        if (map is null)
        {
            return;
        }

        if (!allowBlank && map.Values.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add(name, $"{name} must not contain blank units");
        }

        if (map.Keys.Any(k => !TextCaps.Fits(k, TextCaps.SeriesKey)))
        {
            problems.Add(name, TextCaps.TooLong($"a value_key in {name}", TextCaps.SeriesKey));
        }

        if (map.FirstOrDefault(e => !TextCaps.Fits(e.Value, cap)) is { Key: { } key })
        {
            problems.Add(name, TextCaps.TooLong($"{name}['{UtcDateTimeOffsetConverter.Shorten(key)}']", cap));
        }
    }
}
