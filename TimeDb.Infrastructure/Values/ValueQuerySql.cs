using Npgsql;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Values;

namespace TimeDb.Infrastructure.Values;

/// <summary>
/// The SQL of value reads, in one place. Every filter is a parameter. The tenant comes from the caller's
/// <see cref="TenantScope"/>: one tenant writes <c>tenant_id = @tenant_id</c> (every index leads with it);
/// only the explicit all-tenants scope of single-user mode leaves it out.
/// <para>
/// A read is one round trip (ADR-022): the series it can touch (their keys and units, a few rows), the count
/// against the row limit, then the values alone, in an order an index gives. The values statement joins nothing and, for a
/// flat read of one tenant, sorts nothing: series keys are put in order by <see cref="SeriesKeyOrder"/> within
/// each group of rows that share their times.
/// </para>
/// </summary>
internal static class ValueQuerySql
{
    private const string Columns = "v.valid_time, v.valid_time_end, v.series_id, v.value, v.run_id, v.known_time, v.annotation, v.tags";
    private const string VersionColumns = ", v.value_id, v.is_current, v.changed_by, v.change_time";

    /// <summary>The number of columns of a values row; an all_versions read has four more.</summary>
    public const int ColumnCount = 8;

    // Flat: per (valid_time, series, valid_time_end) the first row in ix_values_current_by_valid_time's order is
    // the current version of the run with the latest known_time, ties to the later run (run ids are UUIDv7).
    // series_id is unique across tenants, so the record needs no tenant_id; one tenant is an equality on the index's
    // first column, so the index scan gives this order as it is and the read streams.
    private const string Flat = $"""
        SELECT DISTINCT ON (v.valid_time, v.series_id, v.valid_time_end) {Columns}
        FROM "values" v
        WHERE v.is_current /*filters*/
        ORDER BY v.valid_time, v.series_id, v.valid_time_end NULLS FIRST, v.known_time DESC, v.run_id DESC
        """;

    // Overlapping: every current version (or, with all_versions, every version: the two partial indexes, current
    // and retired, are each a branch of the OR, so the planner can combine them).
    private const string Overlapping = $"""
        SELECT {Columns}/*versions*/
        FROM "values" v
        WHERE /*current*/ /*filters*/
        """;

    // What a count counts: the versions the filters select (every one with all_versions, else the current ones),
    // no column read; for a flat read, before the DISTINCT ON count is needed (ADR-025).
    private const string Versions = """SELECT FROM "values" v WHERE /*current*/ /*filters*/""";

    private const string OverlappingOrder = " ORDER BY v.known_time, v.valid_time, v.series_id, v.valid_time_end NULLS FIRST, v.run_id, v.value_id";

    private const string Series = "SELECT s.series_id, s.series_key, s.series_unit FROM series s WHERE TRUE /*filters*/";

    /// <summary>
    /// The read of <paramref name="query"/>: the series statement; with a row limit, the count of the read
    /// stopping past the limit; then the values statement. One round trip, one connection.
    /// </summary>
    public static NpgsqlBatch Build(ValueQuery query, TenantScope scope, NpgsqlConnection connection)
    {
        ArgumentNullException.ThrowIfNull(query);
        var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BuildSeries(query.SeriesIds, query.SeriesKeys, scope));
        if (query.MaxRows > 0)
        {
            batch.BatchCommands.Add(BuildCount(query, scope));
        }

        batch.BatchCommands.Add(BuildValues(query, scope));
        return batch;
    }

    /// <summary>The key and unit of one series (a series the read's first statement did not see yet).</summary>
    public static NpgsqlBatch BuildSeriesOf(Guid seriesId, TenantScope scope, NpgsqlConnection connection)
    {
        var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BuildSeries([seriesId], [], scope));
        return batch;
    }

    private static NpgsqlBatchCommand BuildSeries(IReadOnlyList<Guid> seriesIds, IReadOnlyList<string> seriesKeys, TenantScope scope)
    {
        var command = new NpgsqlBatchCommand();
        var filters = new Filters(command);
        filters.Tenant(scope, "s");
        if (seriesIds.Count > 0)
        {
            filters.Add("s.series_id = ANY(@series_ids)", "series_ids", seriesIds.ToArray());
        }

        if (seriesKeys.Count > 0)
        {
            filters.Add("s.series_key = ANY(@series_keys)", "series_keys", seriesKeys.ToArray());
        }

        command.CommandText = Series.Replace("/*filters*/", filters.Sql, StringComparison.Ordinal);
        return command;
    }

    /// <summary>
    /// A number over <see cref="ValueQuery.MaxRows"/> exactly when the read has more rows than that, counting no
    /// further than one past it. Both modes count the versions their filters select: those are an overlapping read's
    /// rows. A flat read's latest rows are never more than its current versions (a plain count, 0.30 s against
    /// 0.79 s for DISTINCT ON over 1M rows), so only when the versions pass the limit are the latest rows counted.
    /// </summary>
    private static NpgsqlBatchCommand BuildCount(ValueQuery query, TenantScope scope)
    {
        var command = new NpgsqlBatchCommand();
        var filters = ValueFilters(query, scope, command);
        command.Parameters.AddWithValue("row_limit", query.MaxRows + 1);
        var versions = Versions
            .Replace("/*current*/", Current(query.Mode == ReadMode.Overlapping && query.AllVersions), StringComparison.Ordinal)
            .Replace("/*filters*/", filters.Sql, StringComparison.Ordinal);
        var count = $"SELECT count(*) FROM ({versions} LIMIT @row_limit) counted";
        command.CommandText = query.Mode == ReadMode.Flat
            ? $"SELECT CASE WHEN versions.n < @row_limit THEN versions.n ELSE (SELECT count(*) FROM ({FlatSql(filters)} LIMIT @row_limit) latest) END FROM ({count}) versions(n)"
            : count;
        return command;
    }

    private static NpgsqlBatchCommand BuildValues(ValueQuery query, TenantScope scope)
    {
        var command = new NpgsqlBatchCommand();
        var filters = ValueFilters(query, scope, command);
        command.CommandText = query.Mode == ReadMode.Flat
            ? FlatSql(filters)
            : OverlappingSql(query.AllVersions, filters) + OverlappingOrder;
        return command;
    }

    private static string FlatSql(Filters filters) => Flat.Replace("/*filters*/", filters.Sql, StringComparison.Ordinal);

    private static string OverlappingSql(bool allVersions, Filters filters) => Overlapping
        .Replace("/*versions*/", allVersions ? VersionColumns : "", StringComparison.Ordinal)
        .Replace("/*current*/", Current(allVersions), StringComparison.Ordinal)
        .Replace("/*filters*/", filters.Sql, StringComparison.Ordinal);

    // The versions a read covers: every one (both partial indexes, each a branch of the OR) or the current ones.
    private static string Current(bool allVersions) => allVersions ? "(v.is_current OR NOT v.is_current)" : "v.is_current";

    /// <summary>The conditions of a values statement, their parameters added to <paramref name="command"/>.</summary>
    private static Filters ValueFilters(ValueQuery query, TenantScope scope, NpgsqlBatchCommand command)
    {
        var filters = new Filters(command);
        filters.Tenant(scope, "v");

        if (query.StartValid is { } startValid)
        {
            filters.Add("v.valid_time >= @start_valid", "start_valid", startValid.ToUniversalTime());
        }

        if (query.EndValid is { } endValid)
        {
            filters.Add("v.valid_time < @end_valid", "end_valid", endValid.ToUniversalTime());
        }

        if (query.StartKnown is { } startKnown)
        {
            filters.Add("v.known_time >= @start_known", "start_known", startKnown.ToUniversalTime());
        }

        if (query.EndKnown is { } endKnown)
        {
            filters.Add("v.known_time < @end_known", "end_known", endKnown.ToUniversalTime());
        }

        // One series is an equality, so the index range is (tenant, series, valid_time) whatever the
        // statistics say: right after a big upload, before autovacuum has analysed it, the planner
        // otherwise took `= ANY` as a filter and walked every row of the tenant (2 s instead of 1 ms).
        if (query.SeriesIds.Count == 1)
        {
            filters.Add("v.series_id = @series_id", "series_id", query.SeriesIds[0]);
        }
        else if (query.SeriesIds.Count > 1)
        {
            filters.Add("v.series_id = ANY(@series_ids)", "series_ids", query.SeriesIds.ToArray());
        }

        // series_id is unique across tenants, so the keys' ids need no tenant beyond the scope's.
        if (query.SeriesKeys.Count > 0)
        {
            var tenant = scope is TenantScope.Tenant ? " AND s.tenant_id = @tenant_id" : "";
            filters.Add($"v.series_id IN (SELECT s.series_id FROM series s WHERE s.series_key = ANY(@series_keys){tenant})",
                "series_keys", query.SeriesKeys.ToArray());
        }

        return filters;
    }

    /// <summary>The <c> AND …</c> conditions of one statement and their parameters.</summary>
    private sealed class Filters(NpgsqlBatchCommand command)
    {
        private readonly List<string> _conditions = [];

        public string Sql => string.Concat(_conditions.Select(c => " AND " + c));

        public void Add(string sql, string name, object value)
        {
            _conditions.Add(sql);
            command.Parameters.AddWithValue(name, value);
        }

        public void Tenant(TenantScope scope, string alias)
        {
            ArgumentNullException.ThrowIfNull(scope);
            switch (scope)
            {
                case TenantScope.Tenant tenant:
                    Add($"{alias}.tenant_id = @tenant_id", "tenant_id", tenant.Id);
                    break;
                case TenantScope.AllTenants:
                    break; // single-user mode, stated explicitly: every tenant
                default:
                    throw new InvalidOperationException($"unknown tenant scope {scope}");
            }
        }
    }
}
