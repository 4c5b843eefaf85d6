using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Json;
using TimeDb.Domain.Values;

namespace TimeDb.Api.Streaming;

/// <summary>
/// Writes <c>{"data": [...], "count": n}</c> while rows arrive from the database, so memory does not
/// grow with the result. The query runs before the status line is sent: a database failure is still a
/// clean 503 problem; only a failure in the middle of a stream cuts the response short.
/// The answer is flushed by bytes, not rows (SPEC §9): whatever the width of the rows, at most
/// <see cref="FlushAfterBytes"/> (plus one row) is held before it goes to the client, and each flush waits
/// for the client to take it (Kestrel's back-pressure), so a slow reader cannot make the server hold more.
/// </summary>
internal sealed class ValuesJsonResult(IAsyncEnumerable<ValueRecord> rows, bool versionFields) : IActionResult
{
    public const int FlushAfterBytes = 64 * 1024;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var cancellationToken = context.HttpContext.RequestAborted;
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        var hasRow = await enumerator.MoveNextAsync();

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var body = response.BodyWriter;
        await using var json = new Utf8JsonWriter(body, new JsonWriterOptions { SkipValidation = true, Encoder = JsonEncoding.Encoder });
        json.WriteStartObject();
        json.WriteStartArray("data");
        long count = 0;
        long flushed = 0;
        while (hasRow)
        {
            Write(json, enumerator.Current);
            count++;
            // The writer hands full buffers to the pipe by itself (BytesCommitted) and keeps the rest (BytesPending):
            // both are held in memory until the pipe is flushed, so both count.
            if (json.BytesCommitted + json.BytesPending - flushed >= FlushAfterBytes)
            {
                await json.FlushAsync(cancellationToken);
                await body.FlushAsync(cancellationToken);
                flushed = json.BytesCommitted;
            }

            hasRow = await enumerator.MoveNextAsync();
        }

        json.WriteEndArray();
        json.WriteNumber("count", count);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        await body.FlushAsync(cancellationToken);
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
