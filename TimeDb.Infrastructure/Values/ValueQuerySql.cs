using Npgsql;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Values;

namespace TimeDb.Infrastructure.Values;

/// <summary>
/// The SQL of value reads, in one place. Every filter is a parameter. The tenant comes from the caller's
/// <see cref="TenantScope"/>: one tenant writes <c>v.tenant_id = @tenant_id</c> (every index leads with it);
/// only the explicit all-tenants scope of single-user mode leaves it out.
/// </summary>
internal static class ValueQuerySql
{
    private const string Columns =
        "valid_time, valid_time_end, series_id, series_key, series_unit, value, run_id, known_time, annotation, tags, value_id, is_current, changed_by, change_time";

    // Flat: per (series, valid_time, valid_time_end) the current version of the run with the latest
    // known_time; ties go to the run inserted later.
    private const string Flat = $"""
        SELECT {Columns} FROM (
            SELECT DISTINCT ON (v.tenant_id, v.series_id, v.valid_time, v.valid_time_end)
                   v.tenant_id, v.valid_time, v.valid_time_end, v.series_id, s.series_key, s.series_unit, v.value, v.run_id,
                   v.known_time, v.annotation, v.tags, v.value_id, v.is_current, v.changed_by, v.change_time
            FROM "values" v
            JOIN runs r ON r.tenant_id = v.tenant_id AND r.run_id = v.run_id
            JOIN series s ON s.tenant_id = v.tenant_id AND s.series_id = v.series_id
            WHERE v.is_current /*filters*/
            ORDER BY v.tenant_id, v.series_id, v.valid_time, v.valid_time_end, v.known_time DESC, r.inserted_at DESC, v.run_id DESC
        ) latest
        """;

    private const string FlatOrder = " ORDER BY valid_time, series_key, valid_time_end NULLS FIRST, tenant_id";

    private const string Overlapping = """
        SELECT v.valid_time, v.valid_time_end, v.series_id, s.series_key, s.series_unit, v.value, v.run_id, v.known_time,
               v.annotation, v.tags, v.value_id, v.is_current, v.changed_by, v.change_time
        FROM "values" v
        JOIN series s ON s.tenant_id = v.tenant_id AND s.series_id = v.series_id
        WHERE /*current*/ /*filters*/
        """;

    private const string OverlappingOrder = " ORDER BY v.known_time, v.valid_time, s.series_key, v.valid_time_end NULLS FIRST, v.run_id, v.value_id";

    /// <summary>
    /// Counts the rows of <paramref name="query"/>, stopping at <paramref name="limit"/>: enough to tell whether a
    /// read stays under the row limit without reading more than the limit.
    /// </summary>
    public static NpgsqlCommand BuildCount(ValueQuery query, TenantScope scope, long limit, NpgsqlConnection connection)
    {
        var command = Build(query, scope, connection, ordered: false);
        command.CommandText = $"SELECT count(*) FROM ({command.CommandText} LIMIT @row_limit) counted";
        command.Parameters.AddWithValue("row_limit", limit);
        return command;
    }

    public static NpgsqlCommand Build(ValueQuery query, TenantScope scope, NpgsqlConnection? connection, bool ordered = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scope);
        var command = new NpgsqlCommand { Connection = connection };
        var filters = new List<string>();
        void Add(string sql, string name, object value)
        {
            filters.Add(sql);
            command.Parameters.AddWithValue(name, value);
        }

        switch (scope)
        {
            case TenantScope.Tenant tenant:
                Add("v.tenant_id = @tenant_id", "tenant_id", tenant.Id);
                break;
            case TenantScope.AllTenants:
                break; // single-user mode, stated explicitly: every tenant
            default:
                throw new InvalidOperationException($"unknown tenant scope {scope}");
        }

        if (query.StartValid is { } startValid)
        {
            Add("v.valid_time >= @start_valid", "start_valid", startValid.ToUniversalTime());
        }

        if (query.EndValid is { } endValid)
        {
            Add("v.valid_time < @end_valid", "end_valid", endValid.ToUniversalTime());
        }

        if (query.StartKnown is { } startKnown)
        {
            Add("v.known_time >= @start_known", "start_known", startKnown.ToUniversalTime());
        }

        if (query.EndKnown is { } endKnown)
        {
            Add("v.known_time < @end_known", "end_known", endKnown.ToUniversalTime());
        }

        // One series is an equality, so the index range is (tenant, series, valid_time) whatever the
        // statistics say: right after a big upload, before autovacuum has analysed it, the planner
        // otherwise took `= ANY` as a filter and walked every row of the tenant (2 s instead of 1 ms).
        // Several series are also named on the series side, so the planner can start from them.
        if (query.SeriesIds.Count == 1)
        {
            Add("v.series_id = @series_id", "series_id", query.SeriesIds[0]);
        }
        else if (query.SeriesIds.Count > 1)
        {
            Add("v.series_id = ANY(@series_ids)", "series_ids", query.SeriesIds.ToArray());
            filters.Add("s.series_id = ANY(@series_ids)");
        }

        if (query.SeriesKeys.Count > 0)
        {
            Add("s.series_key = ANY(@series_keys)", "series_keys", query.SeriesKeys.ToArray());
        }

        var where = string.Concat(filters.Select(f => " AND " + f));
        command.CommandText = query.Mode == ReadMode.Flat
            ? Flat.Replace("/*filters*/", where, StringComparison.Ordinal) + (ordered ? FlatOrder : "")
            : Overlapping
                .Replace("/*current*/", query.AllVersions ? "TRUE" : "v.is_current", StringComparison.Ordinal)
                .Replace("/*filters*/", where, StringComparison.Ordinal) + (ordered ? OverlappingOrder : "");
        return command;
    }
}
