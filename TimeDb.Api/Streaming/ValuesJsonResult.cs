using System.Text.Json;
using TimeDb.Api.Formats;
using TimeDb.Api.Json;
using TimeDb.Domain.Time;
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

    // Property names encoded once, not at every row.
    private static readonly JsonEncodedText ValidTime = JsonEncodedText.Encode(ValueFields.ValidTime);
    private static readonly JsonEncodedText ValidTimeEnd = JsonEncodedText.Encode(ValueFields.ValidTimeEnd);
    private static readonly JsonEncodedText SeriesId = JsonEncodedText.Encode(ValueFields.SeriesId);
    private static readonly JsonEncodedText SeriesKey = JsonEncodedText.Encode(ValueFields.SeriesKey);
    private static readonly JsonEncodedText SeriesUnit = JsonEncodedText.Encode(ValueFields.SeriesUnit);
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode(ValueFields.Value);
    private static readonly JsonEncodedText RunId = JsonEncodedText.Encode(ValueFields.RunId);
    private static readonly JsonEncodedText KnownTime = JsonEncodedText.Encode(ValueFields.KnownTime);
    private static readonly JsonEncodedText Annotation = JsonEncodedText.Encode(ValueFields.Annotation);
    private static readonly JsonEncodedText Tags = JsonEncodedText.Encode(ValueFields.Tags);
    private static readonly JsonEncodedText ValueId = JsonEncodedText.Encode(ValueFields.ValueId);
    private static readonly JsonEncodedText IsCurrent = JsonEncodedText.Encode(ValueFields.IsCurrent);
    private static readonly JsonEncodedText ChangedBy = JsonEncodedText.Encode(ValueFields.ChangedBy);
    private static readonly JsonEncodedText ChangeTime = JsonEncodedText.Encode(ValueFields.ChangeTime);

    private void Write(Utf8JsonWriter json, ValueRecord row)
    {
        json.WriteStartObject();
        WriteTime(json, ValidTime, row.ValidTime);
        if (row.ValidTimeEnd is { } end)
        {
            WriteTime(json, ValidTimeEnd, end);
        }
        else
        {
            json.WriteNull(ValidTimeEnd);
        }

        json.WriteString(SeriesId, row.SeriesId);
        json.WriteString(SeriesKey, row.SeriesKey);
        json.WriteString(SeriesUnit, row.SeriesUnit);
        if (row.Value is { } value)
        {
            json.WriteNumber(Value, value);
        }
        else
        {
            json.WriteNull(Value);
        }

        json.WriteString(RunId, row.RunId);
        WriteTime(json, KnownTime, row.KnownTime);
        json.WriteString(Annotation, row.Annotation);
        if (row.Tags is { } tags)
        {
            json.WritePropertyName(Tags);
            TagsJson.Write(json, tags);
        }
        else
        {
            json.WriteNull(Tags);
        }

        if (VersionFields)
        {
            json.WriteNumber(ValueId, row.ValueId);
            json.WriteBoolean(IsCurrent, row.IsCurrent);
            json.WriteString(ChangedBy, row.ChangedBy);
            WriteTime(json, ChangeTime, row.ChangeTime);
        }

        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, JsonEncodedText name, DateTime time)
    {
        Span<byte> text = stackalloc byte[UtcTimestamp.MaxLength];
        json.WriteString(name, text[..UtcTimestamp.FormatUtf8(time, text)]);
    }
}
