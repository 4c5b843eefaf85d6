using System.Net.Http.Headers;
using System.Text;

namespace TimeDb.Tests.Support;

/// <summary>Builds upload bodies for tests and sends them in each upload format.</summary>
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

    /// <summary>POSTs a CSV upload (the run's fields in <paramref name="pathAndQuery"/>), with an Idempotency-Key when given.</summary>
    public static Task<HttpResponseMessage> PostCsvAsync(this HttpClient client, string pathAndQuery, string csv, string? idempotencyKey = null) =>
        client.PostBodyAsync(pathAndQuery, new StringContent(csv, Encoding.UTF8, MediaTypes.Csv), idempotencyKey);

    /// <summary>POSTs an Arrow IPC stream upload (the run's fields in <paramref name="pathAndQuery"/>), with an Idempotency-Key when given.</summary>
    public static Task<HttpResponseMessage> PostArrowAsync(this HttpClient client, string pathAndQuery, byte[] stream, string? idempotencyKey = null)
    {
        var content = new ByteArrayContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.Arrow);
        return client.PostBodyAsync(pathAndQuery, content, idempotencyKey);
    }

    public static async Task<long> CountAsync(string table) =>
        await Sql.ScalarAsync<long>(TestEnvironment.AppConnectionString, $"SELECT count(*) FROM \"{table}\"");

    private static Task<HttpResponseMessage> PostBodyAsync(this HttpClient client, string pathAndQuery, HttpContent content, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(pathAndQuery, UriKind.Relative)) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return client.SendAsync(request);
    }
}
