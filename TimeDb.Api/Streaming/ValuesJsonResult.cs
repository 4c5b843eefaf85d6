using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Json;
using TimeDb.Domain.Values;

namespace TimeDb.Api.Streaming;

/// <summary>
/// Writes <c>{"data": [...], "count": n}</c> while rows arrive from the database, so memory does not
/// grow with the result. The query runs before the status line is sent: a database failure is still a
/// clean 503 problem; only a failure in the middle of a stream cuts the response short.
/// The answer is flushed by bytes, not rows (<see cref="BoundedJsonStream"/>).
/// </summary>
internal sealed class ValuesJsonResult(IAsyncEnumerable<ValueRecord> rows, bool versionFields) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var cancellationToken = context.HttpContext.RequestAborted;
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        var hasRow = await enumerator.MoveNextAsync();

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        await using var stream = new BoundedJsonStream(response.BodyWriter);
        var json = stream.Json;
        json.WriteStartObject();
        json.WriteStartArray("data");
        long count = 0;
        while (hasRow)
        {
            Write(json, enumerator.Current);
            count++;
            await stream.FlushIfFullAsync(cancellationToken);

            hasRow = await enumerator.MoveNextAsync();
        }

        json.WriteEndArray();
        json.WriteNumber("count", count);
        json.WriteEndObject();
        await stream.FlushAsync(cancellationToken);
    }

    private void Write(Utf8JsonWriter json, ValueRecord row)
    {
        json.WriteStartObject();
        json.WriteString("valid_time", UtcDateTimeOffsetConverter.Format(row.ValidTime));
        WriteTime(json, "valid_time_end", row.ValidTimeEnd);
        json.WriteString("series_id", row.SeriesId);
        json.WriteString("series_key", row.SeriesKey);
        json.WriteString("series_unit", row.SeriesUnit);
        if (row.Value is { } value)
        {
            json.WriteNumber("value", value);
        }
        else
        {
            json.WriteNull("value");
        }

        json.WriteString("run_id", row.RunId);
        json.WriteString("known_time", UtcDateTimeOffsetConverter.Format(row.KnownTime));
        json.WriteString("annotation", row.Annotation);
        if (row.Tags is { } tags)
        {
            json.WriteStartArray("tags");
            foreach (var tag in tags)
            {
                json.WriteStringValue(tag);
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("tags");
        }

        if (versionFields)
        {
            json.WriteNumber("value_id", row.ValueId);
            json.WriteBoolean("is_current", row.IsCurrent);
            json.WriteString("changed_by", row.ChangedBy);
            json.WriteString("change_time", UtcDateTimeOffsetConverter.Format(row.ChangeTime));
        }

        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTime? value)
    {
        if (value is { } time)
        {
            json.WriteString(name, UtcDateTimeOffsetConverter.Format(time));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
