using CsvHelper;
using TimeDb.Api.Formats;
using TimeDb.Domain.Time;
using TimeDb.Domain.Values;

namespace TimeDb.Api.Streaming;

/// <summary>
/// Writes the rows as RFC 4180 CSV (SPEC §11): UTF-8, CRLF, a header row with the JSON row's field names in its
/// order, times as the JSON answer writes them (UTC, ISO 8601, Z), numbers as the shortest text that round-trips,
/// an empty field for null, tags as the text of their JSON array. CsvHelper writes UTF-8 into a buffer of
/// <see cref="BufferBytes"/> and hands it to the response when it is nearly full, so memory is bounded by bytes
/// whatever the width of the rows; each hand-over waits for the client (back-pressure). CsvHelper, not Sep: it was
/// the faster of the two at 1M rows (ADR-021-output-formats).
/// </summary>
internal sealed class ValuesCsvResult(IAsyncEnumerable<ValueRecord> rows, bool versionFields) : ValuesResult(rows, versionFields)
{
    /// <summary>Bytes held before they are sent: as much as a JSON answer holds.</summary>
    public const int BufferBytes = BoundedJsonStream.DefaultFlushAfterBytes;

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        TrueValue = "true",
        FalseValue = "false",
        BufferSize = BufferBytes,
    };

    protected override string ContentType => ReadFormats.CsvContentType;

    protected override async Task WriteAsync(HttpResponse response, IAsyncEnumerator<ValueRecord> rows, bool hasRow, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(response.Body, Options, leaveOpen: true);
        using var tags = new TagsJson();
        foreach (var name in ValueFields.For(VersionFields))
        {
            csv.WriteField(name);
        }

        await csv.EndRecordAsync(cancellationToken);
        while (hasRow)
        {
            Write(csv, tags, rows.Current);
            await csv.EndRecordAsync(cancellationToken);

            hasRow = await rows.MoveNextAsync();
        }

        await csv.FlushAsync(cancellationToken);
    }

    private void Write(CsvWriter csv, TagsJson tags, ValueRecord row)
    {
        WriteTime(csv, row.ValidTime);
        if (row.ValidTimeEnd is { } end)
        {
            WriteTime(csv, end);
        }
        else
        {
            csv.WriteField(string.Empty);
        }

        csv.WriteField(row.SeriesId, default);
        csv.WriteField(row.SeriesKey);
        csv.WriteField(row.SeriesUnit);
        csv.WriteField(row.Value, default);
        csv.WriteField(row.RunId, default);
        WriteTime(csv, row.KnownTime);
        csv.WriteField(row.Annotation);
        if (row.Tags is { } values)
        {
            csv.WriteField(tags.ToUtf8(values));
        }
        else
        {
            csv.WriteField(string.Empty);
        }

        if (VersionFields)
        {
            csv.WriteField(row.ValueId, default);
            csv.WriteField(row.IsCurrent);
            csv.WriteField(row.ChangedBy);
            WriteTime(csv, row.ChangeTime);
        }
    }

    private static void WriteTime(CsvWriter csv, DateTime time)
    {
        Span<byte> text = stackalloc byte[UtcTimestamp.MaxLength];
        csv.WriteField(text[..UtcTimestamp.FormatUtf8(time, text)]);
    }
}
