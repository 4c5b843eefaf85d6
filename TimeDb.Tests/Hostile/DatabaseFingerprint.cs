using TimeDb.Tests.Support;

namespace TimeDb.Tests.Hostile;

/// <summary>
/// Row count and md5 of every row of every table, to prove a run of requests changed nothing. An API key's
/// last_used_at is left out: recording use is the one write an authenticated request is meant to cause.
/// </summary>
internal static class DatabaseFingerprint
{
    public static async Task<Dictionary<string, string>> TakeAsync(string connectionString)
    {
        var fingerprint = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in await Sql.TablesAsync(connectionString))
        {
            var row = "to_jsonb(t) - 'last_used_at'";
            fingerprint[table] = (await Sql.ColumnAsync(connectionString,
                $"SELECT count(*) || ' rows, md5 ' || coalesce(md5(string_agg(({row})::text, '|' ORDER BY ({row})::text)), '-') FROM \"{table}\" t")).Single();
        }

        return fingerprint;
    }
}
