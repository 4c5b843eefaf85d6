using TimeDb.Domain.Values;

namespace TimeDb.Infrastructure.Values;

/// <summary>
/// Puts rows that arrive ordered by series_id into series_key order (ordinal, the order of PostgreSQL's C
/// collation), one group at a time: a group is the rows that share the columns before series_key in the read's
/// order (valid_time for flat; known_time and valid_time for overlapping). The SQL then needs no join and no sort
/// by key; memory holds one group, at most one row per series and record of those times (ADR-022).
/// </summary>
internal static class SeriesKeyOrder
{
    /// <summary>SPEC §5 flat order: valid_time, series_key, then valid_time_end (a point value first).</summary>
    private static readonly Comparison<ValueRecord> FlatOrder = (a, b) =>
        Compare(a, b) is var c && c != 0 ? c : a.SeriesId.CompareTo(b.SeriesId);

    /// <summary>SPEC §5 overlapping order: known_time, valid_time, series_key, valid_time_end, run, version.</summary>
    private static readonly Comparison<ValueRecord> OverlappingOrder = (a, b) =>
        Compare(a, b) is var c && c != 0 ? c
        : a.RunId.CompareTo(b.RunId) is var r && r != 0 ? r
        : a.ValueId.CompareTo(b.ValueId);

    public static async IAsyncEnumerable<ValueRecord> ApplyAsync(IAsyncEnumerable<ValueRecord> rows, ReadMode mode)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var order = mode == ReadMode.Flat ? FlatOrder : OverlappingOrder;
        var group = new List<ValueRecord>();
        await foreach (var row in rows)
        {
            if (group.Count > 0 && !SameGroup(group[0], row, mode))
            {
                foreach (var sorted in Sorted(group, order))
                {
                    yield return sorted;
                }

                group.Clear();
            }

            group.Add(row);
        }

        foreach (var sorted in Sorted(group, order))
        {
            yield return sorted;
        }
    }

    private static List<ValueRecord> Sorted(List<ValueRecord> group, Comparison<ValueRecord> order)
    {
        if (group.Count > 1)
        {
            group.Sort(order);
        }

        return group;
    }

    private static bool SameGroup(ValueRecord first, ValueRecord row, ReadMode mode) =>
        first.ValidTime == row.ValidTime && (mode == ReadMode.Flat || first.KnownTime == row.KnownTime);

    private static int Compare(ValueRecord a, ValueRecord b) =>
        string.CompareOrdinal(a.SeriesKey, b.SeriesKey) is var key && key != 0 ? key
        : Nullable.Compare(a.ValidTimeEnd, b.ValidTimeEnd); // null (a point value) first, as NULLS FIRST
}
