using System.Globalization;
using System.Text.Unicode;
using CsvHelper;
using TimeDb.Api.Json;
using TimeDb.Domain.Runs;
using TimeDb.Domain.Text;
using TimeDb.Domain.Time;

namespace TimeDb.Api.Uploads;

/// <summary>
/// <c>text/csv</c> uploads (RFC 4180, UTF-8), read by CsvHelper (measured against Sep in ADR-020): a header row naming
/// the columns (any order) <c>valid_time</c>, <c>value_key</c>, <c>value</c> and optionally <c>valid_time_end</c>,
/// <c>series_id</c>; an empty cell is a null value or an absent end or series_id. The run's fields are query parameters
/// (<see cref="QueryRunFields"/>). A bad cell is reported as <c>row N, column C</c>, rows counted from 1 after the header.
/// </summary>
internal sealed class CsvUploadReader : IUploadBodyReader
{
    public const string MediaTypeName = "text/csv";

    /// <summary>
    /// A valid record is well under 2 kB (a value_key is at most 256 characters); the limit keeps an unclosed quote from
    /// making the rest of the body one record held whole.
    /// </summary>
    private const int MaxRecordBytes = 64 * 1024;

    /// <summary>Longest cell decoded for a value_key: beyond it the key cannot fit its cap (a character is at most 4 bytes).</summary>
    private const int MaxKeyBytes = TextCaps.SeriesKey * 4;

    private const int MaxTimeBytes = 64;

    private static readonly string[] Required = ["valid_time", "value_key", "value"];
    private static readonly string[] Columns = [.. Required, "valid_time_end", "series_id"];

    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        Separator = ',',
        Mode = CsvMode.Rfc4180,
        HasHeader = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        MaxRecordSize = MaxRecordBytes,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public string MediaType => MediaTypeName;

    public IReadOnlyList<string> QueryParameters => UploadQueryFields.Names;

    public string Locate(long row, string? field) => TabularRows.Locate(row, field);

    public async Task<RunFields?> ReadAsync(Stream body, IQueryCollection query, UploadRows rows, CancellationToken cancellationToken)
    {
        var fields = QueryRunFields.Read(query, rows.Problems);
        await using var reader = CsvReader.Create(body, Options, leaveOpen: true);
        try
        {
            await reader.ReadHeaderAsync(cancellationToken);
            if (Header(reader.Headers, rows.Problems) is not { } columns)
            {
                return fields;
            }

            var keyBuffer = new char[MaxKeyBytes];
            while (await reader.ReadAsync(cancellationToken))
            {
                ReadRow(reader, columns, rows, keyBuffer);
            }
        }
        catch (CsvFormatException ex)
        {
            // The library counts the header as record 1; rows are counted from the first after it.
            var where = ex.RecordNumber > 1 ? Locate(ex.RecordNumber - 2, null) : ex.RecordNumber == 1 ? "header" : "body";
            var cut = ex.Message.StartsWith("Malformed CSV in record", StringComparison.Ordinal) ? ex.Message.IndexOf(": ", StringComparison.Ordinal) : -1;
            var message = ex.Message.Contains("MaxRecordSize", StringComparison.Ordinal)
                ? string.Create(CultureInfo.InvariantCulture, $"a record is longer than {MaxRecordBytes / 1024} kB (is a quote left open?)")
                : cut > 0 ? ex.Message[(cut + 2)..] : ex.Message;
            rows.Problems.Add(where, $"malformed CSV: {message}");
            return null;
        }

        return fields;
    }

    /// <summary>Where each known column is (-1 when absent), or null after reporting what is wrong with the header.</summary>
    private static ColumnIndex? Header(IReadOnlyList<string> header, UploadProblems problems)
    {
        if (header.Count == 0)
        {
            problems.Add("body", $"A CSV upload needs a header row naming its columns: {string.Join(",", Required)} (and optionally valid_time_end, series_id).");
            return null;
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i];
            if (!Columns.Contains(name, StringComparer.Ordinal))
            {
                problems.Add("header", $"unknown column '{UtcDateTimeOffsetConverter.Shorten(name)}' (column {i + 1}); the columns are {string.Join(", ", Columns)}");
            }
            else if (!index.TryAdd(name, i))
            {
                problems.Add("header", $"column {name} appears more than once");
            }
        }

        foreach (var name in Required.Where(n => !index.ContainsKey(n)))
        {
            problems.Add("header", $"the header has no column {name} (a header row is required: {string.Join(",", Required)}, optionally valid_time_end, series_id)");
        }

        return problems.Has("header") || problems.Has("body") ? null
            : new ColumnIndex(header.Count, index["valid_time"], index["value_key"], index["value"],
                index.GetValueOrDefault("valid_time_end", -1), index.GetValueOrDefault("series_id", -1));
    }

    private void ReadRow(CsvReader reader, ColumnIndex columns, UploadRows rows, char[] keyBuffer)
    {
        var row = rows.Received;
        if (reader.FieldCount != columns.Count)
        {
            rows.AddRefused(string.Create(CultureInfo.InvariantCulture, $"row {row + 1} has {reader.FieldCount} fields; the header has {columns.Count}"));
            return;
        }

        var errors = rows.Problems.Count;
        var validTime = Time(reader, columns.ValidTime, row, "valid_time", rows);
        var validTimeEnd = columns.ValidTimeEnd < 0 ? null : Time(reader, columns.ValidTimeEnd, row, "valid_time_end", rows);
        var value = Number(reader, columns.Value, row, rows);
        var seriesId = columns.SeriesId < 0 ? null : SeriesId(reader, columns.SeriesId, row, rows);
        var key = reader.GetSpan(columns.ValueKey);
        var keyLength = 0;
        if (key.Length > MaxKeyBytes)
        {
            rows.Problems.Add(Locate(row, "value_key"), TextCaps.TooLong("value_key", TextCaps.SeriesKey));
        }
        else if (!Utf8.IsValid(key))
        {
            rows.Problems.Add(Locate(row, "value_key"), $"value_key {StorableStringConverter.InvalidText}");
        }
        else
        {
            keyLength = reader.GetChars(columns.ValueKey, keyBuffer);
        }

        if (rows.Problems.Count != errors)
        {
            rows.AddRefused();
            return;
        }

        rows.Add(keyBuffer.AsSpan(0, keyLength), hasKey: keyLength > 0, validTime, validTimeEnd, value, seriesId);
    }

    private DateTimeOffset? Time(CsvReader reader, int column, long row, string name, UploadRows rows)
    {
        var cell = reader.GetSpan(column);
        if (cell.IsEmpty)
        {
            return null;
        }

        Span<char> text = stackalloc char[MaxTimeBytes];
        if (cell.Length <= MaxTimeBytes && Utf8.IsValid(cell))
        {
            var length = reader.GetChars(column, text);
            if (UtcTimestamp.TryParse(text[..length], out var time))
            {
                return time;
            }
        }

        rows.Problems.Add(Locate(row, name), UtcDateTimeOffsetConverter.NotATime(Shown(reader, column)));
        return null;
    }

    private double? Number(CsvReader reader, int column, long row, UploadRows rows)
    {
        var cell = reader.GetSpan(column);
        if (cell.IsEmpty)
        {
            return null;
        }

        // Finite only: NaN, Infinity and 1e400 parse, and the row buffer refuses them (UploadRules.NotFinite).
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        rows.Problems.Add(Locate(row, "value"), $"'{Shown(reader, column)}' is not a number (use . for decimals, leave the cell empty for null)");
        return null;
    }

    private Guid? SeriesId(CsvReader reader, int column, long row, UploadRows rows)
    {
        var cell = reader.GetSpan(column);
        if (cell.IsEmpty)
        {
            return null;
        }

        if (Guid.TryParse(cell, out var id))
        {
            return id;
        }

        rows.Problems.Add(Locate(row, "series_id"), $"'{Shown(reader, column)}' is not a UUID");
        return null;
    }

    /// <summary>A cell as a message shows it: cut, and with invalid UTF-8 replaced.</summary>
    private static string Shown(CsvReader reader, int column) => UtcDateTimeOffsetConverter.Shorten(reader.GetString(column));

    private sealed record ColumnIndex(int Count, int ValidTime, int ValueKey, int Value, int ValidTimeEnd, int SeriesId);
}
