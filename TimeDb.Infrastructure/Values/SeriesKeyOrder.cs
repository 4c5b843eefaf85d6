using TimeDb.Domain.Values;

namespace TimeDb.Infrastructure.Values;

/// <summary>
/// Puts rows that arrive ordered by series_id into series_key order (ordinal, the order of PostgreSQL's C
/// collation), one group at a time: a group is the rows that share the columns before series_key in the read's
/// order (valid_time for flat; known_time and valid_time for overlapping). The SQL then needs no join and no sort
/// by key; memory holds one group, at most one row per series and record of those times (ADR-022).
/// </summary>
internal sealed class SeriesKeyOrder
{
    /// <summary>SPEC §5 flat order: valid_time, series_key, then valid_time_end (a point value first).</summary>
    private static readonly Comparison<ValueRecord> FlatOrder = (a, b) =>
        Compare(a, b) is var c && c != 0 ? c : a.SeriesId.CompareTo(b.SeriesId);

    /// <summary>SPEC §5 overlapping order: known_time, valid_time, series_key, valid_time_end, run, version.</summary>
    private static readonly Comparison<ValueRecord> OverlappingOrder = (a, b) =>
        Compare(a, b) is var c && c != 0 ? c
        : a.RunId.CompareTo(b.RunId) is var r && r != 0 ? r
        : a.ValueId.CompareTo(b.ValueId);

    private readonly ReadMode _mode;
    private readonly Comparison<ValueRecord> _order;
    private List<ValueRecord> _group = [];
    private List<ValueRecord> _done = [];

    public SeriesKeyOrder(ReadMode mode)
    {
        _mode = mode;
        _order = mode == ReadMode.Flat ? FlatOrder : OverlappingOrder;
    }

    /// <summary>
    /// Takes the next row in the statement's order; returns the rows of the group it closed, in their final order
    /// (empty while the group goes on). The list is reused: read it before the next call.
    /// </summary>
    public List<ValueRecord> Add(ValueRecord row)
    {
        _done.Clear();
        if (_group.Count > 0 && !SameGroup(_group[0], row, _mode))
        {
            CloseGroup();
        }

        _group.Add(row);
        return _done;
    }

    /// <summary>After the last row: the rows of the last group, in order.</summary>
    public List<ValueRecord> Finish()
    {
        _done.Clear();
        CloseGroup();
        return _done;
    }

    private void CloseGroup()
    {
        if (_group.Count > 1)
        {
            _group.Sort(_order);
        }

        (_done, _group) = (_group, _done);
    }

    private static bool SameGroup(ValueRecord first, ValueRecord row, ReadMode mode) =>
        first.ValidTime == row.ValidTime && (mode == ReadMode.Flat || first.KnownTime == row.KnownTime);

    private static int Compare(ValueRecord a, ValueRecord b) =>
        string.CompareOrdinal(a.SeriesKey, b.SeriesKey) is var key && key != 0 ? key
        : Nullable.Compare(a.ValidTimeEnd, b.ValidTimeEnd); // null (a point value) first, as NULLS FIRST
}
