using System.Runtime.InteropServices;
using TimeDb.Domain.Errors;

namespace TimeDb.Domain.Runs;

/// <summary>How a format names a row of its body, or one field of it (<c>value_rows[3]</c>, <c>value_rows[3].valid_time</c>; <c>row 4</c>, <c>row 4, column valid_time</c>).</summary>
public delegate string RowLocation(long row, string? field);

/// <summary>One value row as a reader hands it over; a null field was absent (or an empty cell).</summary>
public readonly record struct NewValueRow(string? ValueKey, DateTimeOffset? ValidTime, DateTimeOffset? ValidTimeEnd, double? Value, Guid? SeriesId);

/// <summary>One stored row of an upload: its series by index into <see cref="UploadRows.Keys"/>, times in UTC ticks.</summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct UploadRow
{
    internal const long NoEnd = long.MinValue;

    // A value is finite (NaN is refused by every reader), so NaN is the compact "null": 32 bytes a row.
    private readonly double _value;

    internal UploadRow(int keyIndex, int rowNumber, long validTime, long validTimeEnd, double? value)
    {
        KeyIndex = keyIndex;
        RowNumber = rowNumber;
        ValidTimeTicks = validTime;
        ValidTimeEndTicks = validTimeEnd;
        _value = value ?? double.NaN;
    }

    public int KeyIndex { get; }

    /// <summary>Position of the row in the body (0-based), for messages.</summary>
    public int RowNumber { get; }

    public long ValidTimeTicks { get; }

    /// <summary><see cref="long.MinValue"/> for a point value.</summary>
    public long ValidTimeEndTicks { get; }

    public bool HasEnd => ValidTimeEndTicks != NoEnd;

    public bool HasValue => !double.IsNaN(_value);

    /// <summary>The value; meaningful only when <see cref="HasValue"/>.</summary>
    public double Value => _value;

    public DateTimeOffset ValidTime => new(ValidTimeTicks, TimeSpan.Zero);

    public DateTimeOffset? ValidTimeEnd => HasEnd ? new DateTimeOffset(ValidTimeEndTicks, TimeSpan.Zero) : null;

    /// <summary>The record order (series, valid_time, valid_time_end), then the body order: duplicates become neighbours.</summary>
    internal static int Compare(in UploadRow a, in UploadRow b)
    {
        var c = a.KeyIndex.CompareTo(b.KeyIndex);
        if (c == 0)
        {
            c = a.ValidTimeTicks.CompareTo(b.ValidTimeTicks);
        }

        if (c == 0)
        {
            c = a.ValidTimeEndTicks.CompareTo(b.ValidTimeEndTicks);
        }

        return c != 0 ? c : a.RowNumber.CompareTo(b.RowNumber);
    }

    internal bool SameRecord(in UploadRow other) =>
        KeyIndex == other.KeyIndex && ValidTimeTicks == other.ValidTimeTicks && ValidTimeEndTicks == other.ValidTimeEndTicks;
}

/// <summary>
/// The rows of one upload, whatever the format: every reader hands each row to <see cref="Add(in NewValueRow)"/>,
/// which validates it (UploadRules, one place for every format) and keeps it compactly: value_keys once each in a
/// key table, rows as 32-byte structs in chunks of 64 Ki rows (ADR-020). <see cref="Complete"/> sorts them by record
/// and refuses duplicates by comparing neighbours; the same order is the order they are written in.
/// </summary>
public sealed class UploadRows
{
    private const int ChunkSize = 1 << 16;

    private readonly List<UploadRow[]> _chunks = [];
    private readonly Dictionary<string, int> _keyIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _keyLookup;
    private readonly List<string> _keys = [];
    private readonly HashSet<(int KeyIndex, Guid SeriesId)> _claims = [];
    private readonly long _maxRows;
    private readonly RowLocation _locate;
    private int _count;
    private bool _completed;

    /// <param name="maxRows">More rows than this → <see cref="RequestTooLargeException"/> (413) at the first one too many.</param>
    /// <param name="locate">How the reader's format names a row and its fields in messages.</param>
    public UploadRows(long maxRows, RowLocation locate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        _maxRows = Math.Min(maxRows, int.MaxValue);
        _locate = locate;
        _keyLookup = _keyIndex.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Errors of the rows, and of anything else the reader reports (one list per upload).</summary>
    public UploadProblems Problems { get; } = new();

    /// <summary>Rows handed over, refused ones included: the next row's number.</summary>
    public long Received { get; private set; }

    /// <summary>Rows kept (valid ones).</summary>
    public int Count => _count;

    /// <summary>The distinct value_keys, in the order they first appeared; <see cref="UploadRow.KeyIndex"/> points here.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The (value_key, series_id) pairs the rows claim, each once.</summary>
    public IEnumerable<(string ValueKey, Guid SeriesId)> ClaimedSeries => _claims.Select(c => (_keys[c.KeyIndex], c.SeriesId));

    public string Locate(long row, string? field = null) => _locate(row, field);

    /// <summary>Validates one row and keeps it, or reports what is wrong with it under its location.</summary>
    public void Add(in NewValueRow row) =>
        Add(row.ValueKey.AsSpan(), row.ValueKey is not null, row.ValidTime, row.ValidTimeEnd, row.Value, row.SeriesId);

    /// <summary>The same, with the value_key as characters of the body (no string made for a key seen before).</summary>
    public void Add(ReadOnlySpan<char> valueKey, bool hasKey, DateTimeOffset? validTime, DateTimeOffset? validTimeEnd, double? value, Guid? seriesId)
    {
        CheckRoom();
        var number = Received++;
        var errors = Problems.Count;
        if (validTime is null)
        {
            Problems.Add(Locate(number, "valid_time"), "valid_time is required");
        }

        if (UploadRules.CheckValueKey(hasKey ? valueKey : []) is { } keyProblem)
        {
            Problems.Add(Locate(number, "value_key"), keyProblem);
        }

        if (validTime is { } start && UploadRules.CheckInterval(start, validTimeEnd) is { } intervalProblem)
        {
            Problems.Add(Locate(number, "valid_time_end"), intervalProblem);
        }

        if (value is { } v && !double.IsFinite(v))
        {
            Problems.Add(Locate(number, "value"), UploadRules.NotFinite);
        }

        if (Problems.Count != errors)
        {
            return;
        }

        var keyIndex = Intern(valueKey);
        if (seriesId is { } claimed)
        {
            _claims.Add((keyIndex, claimed));
        }

        var chunk = _count / ChunkSize;
        if (chunk == _chunks.Count)
        {
            _chunks.Add(new UploadRow[ChunkSize]);
        }

        _chunks[chunk][_count % ChunkSize] = new UploadRow(keyIndex, (int)number, validTime!.Value.UtcTicks,
            validTimeEnd?.UtcTicks ?? UploadRow.NoEnd, value);
        _count++;
    }

    /// <summary>
    /// Counts a row that is not kept: one the reader could not read at all (not an object, a ragged CSV record), whose
    /// <paramref name="message"/> goes under the row's location, or one whose cells the reader already reported (null).
    /// </summary>
    public void AddRefused(string? message = null)
    {
        CheckRoom();
        var number = Received++;
        if (message is not null)
        {
            Problems.Add(Locate(number), message);
        }
    }

    /// <summary>
    /// Ends the rows: sorts them by record and reports every record given twice under the later row's location.
    /// Call once, after the whole body is read and before the rows are stored.
    /// </summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        for (var i = 0; i < _chunks.Count; i++)
        {
            var length = Math.Min(ChunkSize, _count - (i * ChunkSize));
            _chunks[i].AsSpan(0, length).Sort(static (a, b) => UploadRow.Compare(a, b));
        }

        var first = default(UploadRow);
        var previous = default(UploadRow);
        var any = false;
        foreach (var row in InRecordOrder())
        {
            if (any && row.SameRecord(previous))
            {
                Problems.Add(Locate(row.RowNumber), UploadRules.Duplicate(Locate(row.RowNumber), Locate(first.RowNumber),
                    _keys[row.KeyIndex], row.ValidTime, row.ValidTimeEnd));
            }
            else
            {
                first = row;
            }

            previous = row;
            any = true;
        }
    }

    /// <summary>The kept rows sorted by (series, valid_time, valid_time_end): a merge of the sorted chunks. After <see cref="Complete"/>.</summary>
    public IEnumerable<UploadRow> InRecordOrder()
    {
        if (!_completed)
        {
            throw new InvalidOperationException("Complete the rows first.");
        }

        var chunks = _chunks.Count;
        var positions = new int[chunks];
        var queue = new PriorityQueue<int, UploadRow>(chunks, Comparer<UploadRow>.Create(static (a, b) => UploadRow.Compare(a, b)));
        for (var i = 0; i < chunks; i++)
        {
            queue.Enqueue(i, _chunks[i][0]);
        }

        while (queue.TryDequeue(out var chunk, out var row))
        {
            yield return row;
            var next = ++positions[chunk];
            if (next < Math.Min(ChunkSize, _count - (chunk * ChunkSize)))
            {
                queue.Enqueue(chunk, _chunks[chunk][next]);
            }
        }
    }

    private void CheckRoom()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The rows are complete.");
        }

        if (Received >= _maxRows)
        {
            throw new RequestTooLargeException($"An upload carries at most {_maxRows} value rows; split it into several runs.");
        }
    }

    private int Intern(ReadOnlySpan<char> key)
    {
        if (_keyLookup.TryGetValue(key, out var index))
        {
            return index;
        }

        var text = key.ToString();
        index = _keys.Count;
        _keys.Add(text);
        _keyIndex[text] = index;
        return index;
    }
}
