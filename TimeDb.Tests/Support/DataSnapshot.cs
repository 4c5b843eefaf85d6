namespace TimeDb.Tests.Support;

/// <summary>
/// The row count and an md5 of the rows of each table: equal before and after a call means the call wrote nothing,
/// and a difference names the table. api_keys.last_used_at is left out: it is the authentication's bookkeeping,
/// written in the background after any authenticated request (KeyUsageRecorder), so an earlier request's write may
/// land at any moment and is not a write of the call.
/// </summary>
public static class DataSnapshot
{
    /// <summary>The tables a call under test must not write: rate-limit counters and settings are not among them.</summary>
    private static readonly string[] DataTables = ["runs", "series", "values", "idempotency_keys", "users", "api_keys"];

    private const string Row = "(to_jsonb(t) - 'last_used_at')::text";

    /// <summary>The data tables, only the rows of <paramref name="tenant"/> when it is given.</summary>
    public static Task<Dictionary<string, string>> TakeAsync(string dsn, Guid? tenant = null) =>
        TakeAsync(dsn, DataTables, tenant is { } t ? $"WHERE tenant_id = '{t}'" : "");

    /// <summary>Every table of the schema, whatever it holds.</summary>
    public static async Task<Dictionary<string, string>> EveryTableAsync(string dsn) =>
        await TakeAsync(dsn, await Sql.TablesAsync(dsn), "");

    private static async Task<Dictionary<string, string>> TakeAsync(string dsn, IEnumerable<string> tables, string where)
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            snapshot[table] = (await Sql.ScalarAsync<string>(dsn,
                $"SELECT count(*) || ' rows, md5 ' || coalesce(md5(string_agg({Row}, '|' ORDER BY {Row})), '-') FROM \"{table}\" t {where}"))!;
        }

        return snapshot;
    }
}
