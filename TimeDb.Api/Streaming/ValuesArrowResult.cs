using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using TimeDb.Api.Formats;
using TimeDb.Domain.Values;

namespace TimeDb.Api.Streaming;

/// <summary>
/// Writes the rows as an Apache Arrow IPC stream (SPEC §11): the schema, then record batches of at most
/// <see cref="MaxBatchRows"/> rows and about <see cref="MaxBatchBytes"/> bytes, then the end marker. Times are
/// <c>timestamp[us, tz=UTC]</c>, ids and text <c>utf8</c>, value <c>float64</c>, value_id <c>int64</c>, tags
/// <c>list&lt;utf8&gt;</c>, is_current <c>bool</c>; a field is nullable where the JSON row can be null. One batch is
/// held at a time, so memory is bounded by bytes whatever the width of the rows (ADR-021-output-formats).
/// </summary>
internal sealed class ValuesArrowResult(IAsyncEnumerable<ValueRecord> rows, bool versionFields) : ValuesResult(rows, versionFields)
{
    public const int MaxBatchRows = 65_536;

    /// <summary>
    /// Bytes of a batch's columns after which it is sent with fewer rows: typical rows (~140 bytes) make batches of
    /// ~7,500 rows, the widest the caps allow (~6.5 kB) of ~160. A batch is held about three times while it is
    /// written (the builders, which grow by doubling, and the arrays they are copied to), so one read holds ~4 MB at
    /// most; 4 MiB batches took 12 concurrent widest-row reads over 100 MB of growth (ADR-021-output-formats).
    /// </summary>
    public const int MaxBatchBytes = 1024 * 1024;

    /// <summary>The ArrowStreamWriter writes each buffer and its padding separately: collected into chunks of this size.</summary>
    private const int ChunkBytes = BoundedJsonStream.DefaultFlushAfterBytes;

    private static readonly TimestampType Timestamp = new(TimeUnit.Microsecond, "UTC");

    private static readonly Schema PlainSchema = BuildSchema(false);
    private static readonly Schema VersionSchema = BuildSchema(true);

    protected override string ContentType => ReadFormats.ArrowContentType;

    /// <summary>The schema of a read's stream; <paramref name="versionFields"/> adds the version's own fields (all_versions).</summary>
    public static Schema SchemaFor(bool versionFields) => versionFields ? VersionSchema : PlainSchema;

    protected override async Task WriteAsync(HttpResponse response, IAsyncEnumerator<ValueRecord> rows, bool hasRow, CancellationToken cancellationToken)
    {
        var schema = SchemaFor(VersionFields);
        await using var body = new BufferedStream(response.Body, ChunkBytes);
        using var writer = new ArrowStreamWriter(body, schema, leaveOpen: true);
        await writer.WriteStartAsync(cancellationToken);
        var batch = new BatchBuilder(VersionFields);
        while (hasRow)
        {
            batch.Append(rows.Current);
            if (batch.IsFull)
            {
                await WriteBatchAsync(writer, batch, schema, body, cancellationToken);
            }

            hasRow = await rows.MoveNextAsync();
        }

        if (batch.Count > 0)
        {
            await WriteBatchAsync(writer, batch, schema, body, cancellationToken);
        }

        await writer.WriteEndAsync(cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    private static async Task WriteBatchAsync(ArrowStreamWriter writer, BatchBuilder batch, Schema schema, Stream body, CancellationToken cancellationToken)
    {
        using (var recordBatch = batch.Build(schema))
        {
            await writer.WriteRecordBatchAsync(recordBatch, cancellationToken);
        }

        await body.FlushAsync(cancellationToken);
    }

    private static Schema BuildSchema(bool versionFields)
    {
        var schema = new Schema.Builder()
            .Field(Field(ValueFields.ValidTime, Timestamp, nullable: false))
            .Field(Field(ValueFields.ValidTimeEnd, Timestamp, nullable: true))
            .Field(Field(ValueFields.SeriesId, StringType.Default, nullable: false))
            .Field(Field(ValueFields.SeriesKey, StringType.Default, nullable: false))
            .Field(Field(ValueFields.SeriesUnit, StringType.Default, nullable: false))
            .Field(Field(ValueFields.Value, DoubleType.Default, nullable: true))
            .Field(Field(ValueFields.RunId, StringType.Default, nullable: false))
            .Field(Field(ValueFields.KnownTime, Timestamp, nullable: false))
            .Field(Field(ValueFields.Annotation, StringType.Default, nullable: true))
            .Field(Field(ValueFields.Tags, new ListType(new Field("item", StringType.Default, nullable: false)), nullable: true));
        if (versionFields)
        {
            schema = schema
                .Field(Field(ValueFields.ValueId, Int64Type.Default, nullable: false))
                .Field(Field(ValueFields.IsCurrent, BooleanType.Default, nullable: false))
                .Field(Field(ValueFields.ChangedBy, StringType.Default, nullable: true))
                .Field(Field(ValueFields.ChangeTime, Timestamp, nullable: false));
        }

        var built = schema.Build();
        // The schema and the JSON row name the same fields in the same order.
        System.Diagnostics.Debug.Assert(built.FieldsList.Select(f => f.Name).SequenceEqual(ValueFields.For(versionFields)));
        return built;
    }

    private static Field Field(string name, IArrowType type, bool nullable) => new(name, type, nullable);

    /// <summary>The columns of one batch, reused from batch to batch.</summary>
    private sealed class BatchBuilder(bool versionFields)
    {
        // Per row: three timestamps and the value, the offsets of six text and list columns, the two ids' text;
        // with all_versions also value_id, change_time and an offset.
        private const int FixedRowBytes = (4 * 8) + (6 * 4) + (2 * 36);
        private const int FixedVersionBytes = (2 * 8) + 4;

        private readonly TimestampArray.Builder _validTime = new(Timestamp);
        private readonly TimestampArray.Builder _validTimeEnd = new(Timestamp);
        private readonly StringArray.Builder _seriesId = new();
        private readonly StringArray.Builder _seriesKey = new();
        private readonly StringArray.Builder _seriesUnit = new();
        private readonly DoubleArray.Builder _value = new();
        private readonly StringArray.Builder _runId = new();
        private readonly TimestampArray.Builder _knownTime = new(Timestamp);
        private readonly StringArray.Builder _annotation = new();
        private readonly ListArray.Builder _tags = new(new Field("item", StringType.Default, nullable: false));
        private readonly Int64Array.Builder _valueId = new();
        private readonly BooleanArray.Builder _isCurrent = new();
        private readonly StringArray.Builder _changedBy = new();
        private readonly TimestampArray.Builder _changeTime = new(Timestamp);
        private readonly SeriesText _series = new();
        private readonly RunText _runs = new();
        private long _bytes;

        public int Count { get; private set; }

        public bool IsFull => Count >= MaxBatchRows || _bytes >= MaxBatchBytes;

        public void Append(ValueRecord row)
        {
            _validTime.Append(Utc(row.ValidTime));
            if (row.ValidTimeEnd is { } end)
            {
                _validTimeEnd.Append(Utc(end));
            }
            else
            {
                _validTimeEnd.AppendNull();
            }

            var series = _series.Get(row);
            _seriesId.Append(series.Id);
            _seriesKey.Append(series.Key);
            _seriesUnit.Append(series.Unit);
            _bytes += FixedRowBytes + series.Key.Length + series.Unit.Length;
            _value.Append(row.Value);
            _runId.Append(_runs.Get(row.RunId));
            _knownTime.Append(Utc(row.KnownTime));
            _bytes += AppendText(_annotation, row.Annotation);
            if (row.Tags is { } tags)
            {
                _tags.Append();
                var items = (StringArray.Builder)_tags.ValueBuilder;
                foreach (var tag in tags)
                {
                    _bytes += AppendText(items, tag) + sizeof(int);
                }
            }
            else
            {
                _tags.AppendNull();
            }

            if (versionFields)
            {
                _bytes += FixedVersionBytes;
                _valueId.Append(row.ValueId);
                _isCurrent.Append(row.IsCurrent);
                _bytes += AppendText(_changedBy, row.ChangedBy);
                _changeTime.Append(Utc(row.ChangeTime));
            }

            Count++;
        }

        /// <summary>The batch so far; the builders start over.</summary>
        public RecordBatch Build(Schema schema)
        {
            List<IArrowArray> arrays =
            [
                _validTime.Build(), _validTimeEnd.Build(), _seriesId.Build(), _seriesKey.Build(), _seriesUnit.Build(),
                _value.Build(), _runId.Build(), _knownTime.Build(), _annotation.Build(), _tags.Build(),
            ];
            if (versionFields)
            {
                arrays.AddRange([_valueId.Build(), _isCurrent.Build(), _changedBy.Build(), _changeTime.Build()]);
            }

            var batch = new RecordBatch(schema, arrays, Count);
            Clear();
            return batch;
        }

        private void Clear()
        {
            _validTime.Clear();
            _validTimeEnd.Clear();
            _seriesId.Clear();
            _seriesKey.Clear();
            _seriesUnit.Clear();
            _value.Clear();
            _runId.Clear();
            _knownTime.Clear();
            _annotation.Clear();
            _tags.Clear();
            _valueId.Clear();
            _isCurrent.Clear();
            _changedBy.Clear();
            _changeTime.Clear();
            Count = 0;
            _bytes = 0;
        }

        // Times from PostgreSQL are UTC; DateTimeOffset carries that into the microsecond timestamp.
        private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

        private static int AppendText(StringArray.Builder builder, string? text)
        {
            if (text is null)
            {
                builder.AppendNull();
                return 0;
            }

            builder.Append(text, Encoding.UTF8);
            return Encoding.UTF8.GetByteCount(text);
        }
    }

    /// <summary>
    /// The UTF-8 text a read repeats on every row: each series' id, key and unit, each run's id, encoded at first
    /// sight instead of at every row (a read holds few series and runs). Bounded: past <see cref="MaxEntries"/> it starts over.
    /// </summary>
    private sealed class Utf8Cache<TText>
    {
        private const int MaxEntries = 4096;
        private readonly Dictionary<Guid, TText> _entries = [];

        public bool TryGet(Guid id, out TText text) => _entries.TryGetValue(id, out text!);

        public TText Add(Guid id, TText text)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            return _entries[id] = text;
        }
    }

    private sealed class SeriesText
    {
        private readonly Utf8Cache<(byte[] Id, byte[] Key, byte[] Unit)> _cache = new();

        // A read names each series by one key and unit (the reader's series map), so its id stands for all three.
        public (byte[] Id, byte[] Key, byte[] Unit) Get(ValueRecord row) => _cache.TryGet(row.SeriesId, out var text) ? text
            : _cache.Add(row.SeriesId, (Utf8(row.SeriesId), Encoding.UTF8.GetBytes(row.SeriesKey), Encoding.UTF8.GetBytes(row.SeriesUnit)));
    }

    private sealed class RunText
    {
        private readonly Utf8Cache<byte[]> _cache = new();
        private Guid _last;
        private byte[] _lastText = [];

        // Rows of one run mostly follow each other: the last run is checked before the cache.
        public byte[] Get(Guid runId)
        {
            if (runId != _last || _lastText.Length == 0)
            {
                _lastText = _cache.TryGet(runId, out var text) ? text : _cache.Add(runId, Utf8(runId));
                _last = runId;
            }

            return _lastText;
        }
    }

    private static byte[] Utf8(Guid id) => Encoding.UTF8.GetBytes(id.ToString());
}
