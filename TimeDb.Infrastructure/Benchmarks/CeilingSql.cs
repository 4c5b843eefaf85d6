using System.Globalization;
using System.Text;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.Benchmarks;

/// <summary>
/// The scratch table of the physical ceilings (issue 14): the columns and indexes of <c>values</c>, no
/// foreign keys, in a schema of its own that is dropped afterwards.
/// </summary>
public sealed record CeilingTable(string Schema)
{
    public string Name => $"\"{Schema}\".\"{TableNames.Values}\"";
}

/// <summary>
/// The SQL of the physical ceilings, in one place: what PostgreSQL does for the same rows and the same answers
/// with nothing of TimeDB in the way. psql runs these as <c>\copy … FROM pstdin</c> / <c>\copy … TO '/dev/null'</c>,
/// the Npgsql fallback as <c>COPY … FROM STDIN</c> / <c>COPY … TO STDOUT</c>; pgbench runs the small read.
/// </summary>
public static class CeilingSql
{
    /// <summary>The columns an upload writes, in the order of each CSV line of the ingest ceiling (as the API's COPY).</summary>
    public const string InsertColumns = "run_id, tenant_id, series_id, valid_time, valid_time_end, value, known_time, changed_by, change_time, is_current";

    /// <summary>The columns of a read's row that live in <c>values</c>.</summary>
    public const string ReadColumns = "valid_time, valid_time_end, series_id, value, run_id, known_time, annotation, tags";

    /// <summary>Ingest: <c>COPY {this} FROM …</c>, CSV rows of <see cref="InsertColumns"/>.</summary>
    public static string IngestTarget(CeilingTable table) => $"{Name(table)} ({InsertColumns})";

    /// <summary>Flat read: <c>COPY {this} TO …</c>, the latest knowledge per (valid_time, valid_time_end, series).</summary>
    public static string FlatSource(CeilingTable table) =>
        $"(SELECT DISTINCT ON (valid_time, valid_time_end, series_id) {ReadColumns} FROM {Name(table)} " +
        "ORDER BY valid_time, valid_time_end, series_id, known_time DESC)";

    /// <summary>Overlapping read: <c>COPY {this} TO …</c>, every row as it is stored.</summary>
    public static string PlainSource(CeilingTable table) => $"{Name(table)} ({ReadColumns})";

    /// <summary>
    /// A pgbench script of the simplest SQL for a small <c>GET /values</c> (one series, one hour) of one tenant:
    /// every transaction draws a series and a start point as the API's load does (<c>\set … random</c>).
    /// </summary>
    public static string SmallReadScript(Guid tenantId, IReadOnlyList<Guid> seriesIds, DateTime start, TimeSpan step, int points)
    {
        ArgumentNullException.ThrowIfNull(seriesIds);
        var ids = string.Join(", ", seriesIds.Select(id => $"'{id}'"));
        var from = $"'{start.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}'::timestamptz + :p * interval '{step.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds'";
        return new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"\\set s random(1, {seriesIds.Count})\n")
            .Append(CultureInfo.InvariantCulture, $"\\set p random(0, {points - 1})\n")
            .Append(CultureInfo.InvariantCulture, $"SELECT DISTINCT ON (series_id, valid_time, valid_time_end) {ReadColumns} FROM \"{TableNames.Values}\" ")
            .Append(CultureInfo.InvariantCulture, $"WHERE tenant_id = '{tenantId}' AND series_id = (ARRAY[{ids}]::uuid[])[:s] ")
            .Append(CultureInfo.InvariantCulture, $"AND valid_time >= {from} AND valid_time < {from} + interval '1 hour' AND is_current ")
            .Append("ORDER BY series_id, valid_time, valid_time_end, known_time DESC;\n")
            .ToString();
    }

    private static string Name(CeilingTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.Name;
    }
}
