using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using TimeDb.Api.Formats;
using TimeDb.Api.Json;
using TimeDb.Domain.Runs;
using TimeDb.Domain.Text;

namespace TimeDb.Api.Uploads;

/// <summary>
/// <c>application/vnd.apache.arrow.stream</c> uploads: an Arrow IPC stream read batch by batch by Apache.Arrow's
/// <see cref="ArrowStreamReader"/> (ADR-021-output-formats). Columns by name, in any order: <c>valid_time</c> (a
/// timestamp of any unit; no time zone means UTC), <c>value_key</c> (utf8, large_utf8, utf8_view or a dictionary of
/// them), <c>value</c> (float64; float32, int32 and int64 too) and optionally <c>valid_time_end</c>, <c>series_id</c>
/// (UUID text). The run's fields are query parameters (<see cref="QueryRunFields"/>, as for CSV). A bad cell is
/// reported as <c>row N, column C</c>, rows counted from 1 across batches; a bad schema under <c>schema</c>, a stream
/// that is not Arrow, is cut short or holds a batch over <see cref="ArrowMessageGuard.MaxMessageBytes"/> under <c>body</c>.
/// </summary>
internal sealed class ArrowUploadReader : IUploadBodyReader
{
    public const string MediaTypeName = ReadFormats.ArrowMediaType;

    private const string ValidTime = "valid_time";
    private const string ValueKey = "value_key";
    private const string Value = "value";
    private const string ValidTimeEnd = "valid_time_end";
    private const string SeriesId = "series_id";

    /// <summary>Longest value_key in bytes that can fit its cap (a character is at most 4 bytes).</summary>
    private const int MaxKeyBytes = TextCaps.SeriesKey * 4;

    private static readonly string[] Required = [ValidTime, ValueKey, Value];
    private static readonly string[] Columns = [.. Required, ValidTimeEnd, SeriesId];

    public string MediaType => MediaTypeName;

    public IReadOnlyList<string> QueryParameters => UploadQueryFields.Names;

    public string Locate(long row, string? field) => TabularRows.Locate(row, field);

    public async Task<RunFields?> ReadAsync(Stream body, IQueryCollection query, UploadRows rows, CancellationToken cancellationToken)
    {
        var fields = QueryRunFields.Read(query, rows.Problems);
        await using var guarded = new ArrowMessageGuard(body);
        using var reader = new ArrowStreamReader(guarded, leaveOpen: true);
        try
        {
            if (await reader.GetSchema(cancellationToken) is not { } schema)
            {
                rows.Problems.Add("body", "The body is empty: an Arrow IPC stream starts with its schema.");
                return null;
            }

            if (ColumnsOf(schema, rows.Problems) is not { } columns)
            {
                return fields;
            }

            var keyBuffer = new char[MaxKeyBytes];
            while (await reader.ReadNextRecordBatchAsync(cancellationToken) is { } batch)
            {
                using (batch)
                {
                    var cells = new Cells(batch, columns);
                    for (var i = 0; i < batch.Length; i++)
                    {
                        ReadRow(cells, i, rows, keyBuffer);
                    }
                }
            }

            if (!guarded.EndedWithMarker)
            {
                rows.Problems.Add("body", "The Arrow stream ends without its end-of-stream marker: it was cut short (or written without closing the writer). Nothing was stored.");
                return null;
            }
        }
        catch (Exception ex) when (ArrowMessageGuard.IsMalformedStream(ex))
        {
            rows.Problems.Add("body", ArrowMessageGuard.Describe(ex));
            return null;
        }

        return fields;
    }

    /// <summary>Where each known column is (-1 when absent), or null after reporting what is wrong with the schema.</summary>
    private static ColumnIndex? ColumnsOf(Schema schema, UploadProblems problems)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < schema.FieldsList.Count; i++)
        {
            var field = schema.FieldsList[i];
            if (!Columns.Contains(field.Name, StringComparer.Ordinal))
            {
                problems.Add("schema", $"unknown column '{UtcDateTimeOffsetConverter.Shorten(field.Name)}' (column {i + 1}); the columns are {string.Join(", ", Columns)}");
            }
            else if (!index.TryAdd(field.Name, i))
            {
                problems.Add("schema", $"column {field.Name} appears more than once");
            }
            else if (TypeProblem(field) is { } problem)
            {
                problems.Add("schema", problem);
            }
        }

        foreach (var name in Required.Where(n => !index.ContainsKey(n)))
        {
            problems.Add("schema", $"the stream has no column {name} (required: {string.Join(", ", Required)}; optional: valid_time_end, series_id)");
        }

        return problems.Has("schema") ? null
            : new ColumnIndex(index[ValidTime], index[ValueKey], index[Value], index.GetValueOrDefault(ValidTimeEnd, -1), index.GetValueOrDefault(SeriesId, -1));
    }

    private static string? TypeProblem(Field field)
    {
        var type = field.DataType;
        var (fits, expected) = field.Name switch
        {
            ValidTime => (type is TimestampType, "a timestamp (any unit; no time zone means UTC)"),
            ValidTimeEnd => (type is TimestampType or NullType, "a timestamp (any unit; no time zone means UTC)"),
            Value => (type is DoubleType or FloatType or Int32Type or Int64Type or NullType, "float64 (or float32, int32, int64)"),
            ValueKey => (IsText(type), "utf8 (or large_utf8, utf8_view, or a dictionary of them)"),
            _ => (IsText(type) || type is NullType, "utf8 UUID text (or large_utf8, utf8_view, or a dictionary of them)"),
        };
        return fits ? null : $"column {field.Name} has type {Describe(type)}; expected {expected}";
    }

    private static bool IsText(IArrowType type) =>
        type is StringType or LargeStringType or StringViewType || (type is DictionaryType dictionary && IsText(dictionary.ValueType) && dictionary.ValueType is not DictionaryType);

    private static string Describe(IArrowType type) => type switch
    {
        DictionaryType d => $"dictionary<{Describe(d.ValueType)}>",
        TimestampType t => $"timestamp[{t.Unit}]",
        _ => type.Name,
    };

    private void ReadRow(Cells cells, int i, UploadRows rows, char[] keyBuffer)
    {
        var row = rows.Received;
        var errors = rows.Problems.Count;
        var validTime = Time(cells.ValidTime, i, row, ValidTime, rows);
        var validTimeEnd = cells.ValidTimeEnd is null ? null : Time(cells.ValidTimeEnd, i, row, ValidTimeEnd, rows);
        var value = Number(cells.Value, i);
        var seriesId = cells.SeriesId is null ? null : Uuid(cells.SeriesId, i, row, rows);
        var key = Utf8Cell(cells.ValueKey, i, out var keyIsNull);
        var keyLength = 0;
        if (key.Length > MaxKeyBytes)
        {
            rows.Problems.Add(Locate(row, ValueKey), TextCaps.TooLong(ValueKey, TextCaps.SeriesKey));
        }
        else if (!Utf8.IsValid(key))
        {
            rows.Problems.Add(Locate(row, ValueKey), $"value_key {StorableStringConverter.InvalidText}");
        }
        else
        {
            keyLength = Encoding.UTF8.GetChars(key, keyBuffer);
        }

        if (rows.Problems.Count != errors)
        {
            rows.AddRefused();
            return;
        }

        rows.Add(keyBuffer.AsSpan(0, keyLength), hasKey: !keyIsNull, validTime, validTimeEnd, value, seriesId);
    }

    private DateTimeOffset? Time(IArrowArray column, int i, long row, string name, UploadRows rows)
    {
        if (column is not TimestampArray times || times.IsNull(i))
        {
            return null;
        }

        try
        {
            // The values are instants whatever the zone (Arrow stores UTC); a zone-less timestamp is read as UTC.
            return times.GetTimestamp(i)!.Value.ToUniversalTime();
        }
        catch (ArgumentOutOfRangeException)
        {
            rows.Problems.Add(Locate(row, name), string.Create(CultureInfo.InvariantCulture,
                $"{times.GetValue(i)} ({((TimestampType)times.Data.DataType).Unit} since 1970) is outside the times TimeDB stores (years 1 to 9999)"));
            return null;
        }
    }

    private static double? Number(IArrowArray column, int i) => column switch
    {
        DoubleArray d => d.GetValue(i),
        FloatArray f => f.GetValue(i),
        Int32Array n => n.GetValue(i),
        Int64Array n => n.GetValue(i),
        _ => null, // a null-typed column: every value null
    };

    private Guid? Uuid(IArrowArray column, int i, long row, UploadRows rows)
    {
        var text = Utf8Cell(column, i, out var isNull);
        if (isNull)
        {
            return null;
        }

        Span<char> chars = stackalloc char[64];
        if (text.Length <= chars.Length && Utf8.IsValid(text) && Guid.TryParse(chars[..Encoding.UTF8.GetChars(text, chars)], out var id))
        {
            return id;
        }

        rows.Problems.Add(Locate(row, SeriesId), $"'{UtcDateTimeOffsetConverter.Shorten(Encoding.UTF8.GetString(text))}' is not a UUID");
        return null;
    }

    /// <summary>The UTF-8 bytes of a text cell of any accepted text type (dictionaries resolved); empty and null for null.</summary>
    private static ReadOnlySpan<byte> Utf8Cell(IArrowArray column, int i, out bool isNull)
    {
        isNull = column.IsNull(i);
        if (isNull)
        {
            return [];
        }

        switch (column)
        {
            case StringArray s:
                return s.GetBytes(i);
            case LargeStringArray s:
                return s.GetBytes(i);
            case StringViewArray s:
                return s.GetBytes(i);
            case DictionaryArray d:
                return Utf8Cell(d.Dictionary, checked((int)Index(d.Indices, i)), out isNull);
            default:
                isNull = true; // a null-typed column
                return [];
        }
    }

    private static long Index(IArrowArray indices, int i) => indices switch
    {
        Int8Array n => n.GetValue(i)!.Value,
        Int16Array n => n.GetValue(i)!.Value,
        Int32Array n => n.GetValue(i)!.Value,
        Int64Array n => n.GetValue(i)!.Value,
        UInt8Array n => n.GetValue(i)!.Value,
        UInt16Array n => n.GetValue(i)!.Value,
        UInt32Array n => n.GetValue(i)!.Value,
        UInt64Array n => checked((long)n.GetValue(i)!.Value),
        _ => throw new InvalidDataException($"dictionary indices of type {indices.Data.DataType.Name}"),
    };

    private sealed record ColumnIndex(int ValidTime, int ValueKey, int Value, int ValidTimeEnd, int SeriesId);

    /// <summary>The columns of one batch.</summary>
    private sealed class Cells(RecordBatch batch, ColumnIndex columns)
    {
        public IArrowArray ValidTime { get; } = batch.Column(columns.ValidTime);
        public IArrowArray ValueKey { get; } = batch.Column(columns.ValueKey);
        public IArrowArray Value { get; } = batch.Column(columns.Value);
        public IArrowArray? ValidTimeEnd { get; } = columns.ValidTimeEnd < 0 ? null : batch.Column(columns.ValidTimeEnd);
        public IArrowArray? SeriesId { get; } = columns.SeriesId < 0 ? null : batch.Column(columns.SeriesId);
    }
}
