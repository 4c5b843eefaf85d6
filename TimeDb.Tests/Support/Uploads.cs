namespace TimeDb.Tests.Support;

/// <summary>Builds upload bodies for tests.</summary>
internal static class Uploads
{
    public static object Row(string key, string validTime, double? value, string? validTimeEnd = null) =>
        validTimeEnd is null
            ? new { value_key = key, valid_time = validTime, value }
            : new { value_key = key, valid_time = validTime, value, valid_time_end = validTimeEnd };

    public static object Run(string knownTime, params object[] rows) =>
        new { run_start_time = knownTime, known_time = knownTime, value_rows = rows };

    /// <summary>Uploads and returns the run id.</summary>
    public static async Task<Guid> UploadAsync(this HttpClient client, object body)
    {
        var json = await client.PostJsonAsync("/runs", body).ExpectAsync(201);
        return json.Id("run_id");
    }

    public static async Task<long> CountAsync(string table) =>
        await Sql.ScalarAsync<long>(TestEnvironment.AppConnectionString, $"SELECT count(*) FROM \"{table}\"");
}
