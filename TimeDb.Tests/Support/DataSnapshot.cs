namespace TimeDb.Tests.Support;

/// <summary>
/// Everything stored, as text: equal before and after a call means the call wrote nothing. api_keys.last_used_at
/// is left out: it is the authentication's bookkeeping, written in the background after any authenticated request
/// (KeyUsageRecorder), so an earlier request's write may land at any moment and is not a write of the call.
/// </summary>
public static class DataSnapshot
{
    /// <summary>The rows of every data table, of one tenant when <paramref name="tenant"/> is given.</summary>
    public static Task<string> TakeAsync(string dsn, Guid? tenant = null)
    {
        var where = tenant is { } t ? $"WHERE tenant_id = '{t}'" : "";
        return Sql.ScalarAsync<string>(dsn, $"""
            SELECT concat_ws('|',
              (SELECT string_agg(row_to_json(r)::text, ',' ORDER BY run_id) FROM runs r {where}),
              (SELECT string_agg(row_to_json(s)::text, ',' ORDER BY series_id) FROM series s {where}),
              (SELECT string_agg(row_to_json(v)::text, ',' ORDER BY value_id) FROM "values" v {where}),
              (SELECT string_agg(row_to_json(i)::text, ',' ORDER BY idempotency_key) FROM idempotency_keys i {where}),
              (SELECT string_agg(row_to_json(u)::text, ',' ORDER BY user_id) FROM users u {where}),
              (SELECT string_agg((to_jsonb(k) - 'last_used_at')::text, ',' ORDER BY key_id) FROM api_keys k {where}))
            """)!;
    }
}
