using System.Text.Json;
using TimeDb.Api.Formats;
using TimeDb.Api.Json;
using TimeDb.Domain.Values;

namespace TimeDb.Api.Streaming;

/// <summary>
/// Writes <c>{"data": [...], "count": n}</c> while rows arrive from the database, so memory does not
/// grow with the result. The answer is flushed by bytes, not rows (<see cref="BoundedJsonStream"/>).
/// </summary>
internal sealed class ValuesJsonResult(IAsyncEnumerable<ValueRecord> rows, bool versionFields) : ValuesResult(rows, versionFields)
{
    protected override string ContentType => ReadFormats.JsonContentType;

    protected override async Task WriteAsync(HttpResponse response, IAsyncEnumerator<ValueRecord> rows, bool hasRow, CancellationToken cancellationToken)
    {
        await using var stream = new BoundedJsonStream(response.BodyWriter);
        var json = stream.Json;
        json.WriteStartObject();
        json.WriteStartArray("data");
        long count = 0;
        while (hasRow)
        {
            Write(json, rows.Current);
            count++;
            await stream.FlushIfFullAsync(cancellationToken);

            hasRow = await rows.MoveNextAsync();
        }

        json.WriteEndArray();
        json.WriteNumber("count", count);
        json.WriteEndObject();
        await stream.FlushAsync(cancellationToken);
    }

    private void Write(Utf8JsonWriter json, ValueRecord row)
    {
        json.WriteStartObject();
        json.WriteString(ValueFields.ValidTime, UtcDateTimeOffsetConverter.Format(row.ValidTime));
        WriteTime(json, ValueFields.ValidTimeEnd, row.ValidTimeEnd);
        json.WriteString(ValueFields.SeriesId, row.SeriesId);
        json.WriteString(ValueFields.SeriesKey, row.SeriesKey);
        json.WriteString(ValueFields.SeriesUnit, row.SeriesUnit);
        if (row.Value is { } value)
        {
            json.WriteNumber(ValueFields.Value, value);
        }
        else
        {
            json.WriteNull(ValueFields.Value);
        }

        json.WriteString(ValueFields.RunId, row.RunId);
        json.WriteString(ValueFields.KnownTime, UtcDateTimeOffsetConverter.Format(row.KnownTime));
        json.WriteString(ValueFields.Annotation, row.Annotation);
        if (row.Tags is { } tags)
        {
            json.WritePropertyName(ValueFields.Tags);
            TagsJson.Write(json, tags);
        }
        else
        {
            json.WriteNull(ValueFields.Tags);
        }

        if (VersionFields)
        {
            json.WriteNumber(ValueFields.ValueId, row.ValueId);
            json.WriteBoolean(ValueFields.IsCurrent, row.IsCurrent);
            json.WriteString(ValueFields.ChangedBy, row.ChangedBy);
            json.WriteString(ValueFields.ChangeTime, UtcDateTimeOffsetConverter.Format(row.ChangeTime));
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
