using System.Net;
using System.Text.Json;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Reliability;

/// <summary>Idempotency-Key on uploads: a retry answers as the first upload and stores nothing more.</summary>
public sealed class IdempotencyTests : AuthenticatedApiTest
{
    private static readonly string Body = JsonSerializer.Serialize(Run("2025-01-01T00:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 1), Row("solar", "2025-01-02T00:00:00Z", 2)));

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string body, string? key) => client.PostWithKeyAsync(path, body, key);

    private Task<long> RunsAsync() => Sql.ScalarAsync<long>(Dsn, "SELECT count(*) FROM runs");

    private Task<long> ValuesAsync() => Sql.ScalarAsync<long>(Dsn, "SELECT count(*) FROM \"values\"");

    [Test]
    public async Task SameKeySameBody_ReturnsTheFirstAnswer_AndStoresNothingMore()
    {
        using var client = ClientFor(A);
        using var first = await PostAsync(client, "/runs", Body, "retry-1");
        var firstText = await first.Content.ReadAsStringAsync();
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), firstText);
        Assert.That(first.Headers.Contains("Idempotent-Replayed"), Is.False);

        // /upload is the same operation as /runs: the retry may use either path.
        using var retry = await PostAsync(client, "/upload", Body, "retry-1");
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(retry.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
        Assert.That(retry.Headers.Location, Is.EqualTo(first.Headers.Location));
        Assert.That(JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement.ToString(),
            Is.EqualTo(JsonDocument.Parse(firstText).RootElement.ToString()));
        Assert.That(await RunsAsync(), Is.EqualTo(1));
        Assert.That(await ValuesAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task SameKeyOtherBody_Is409_AndStoresNothing()
    {
        using var client = ClientFor(A);
        await PostAsync(client, "/runs", Body, "key-2").ExpectAsync(201);
        var other = Body.Replace("\"value\":2", "\"value\":3", StringComparison.Ordinal);

        var problem = await PostAsync(client, "/runs", other, "key-2").ExpectAsync(409);
        Assert.That(problem.Str("detail"), Does.Contain("different request body"));
        Assert.That(await RunsAsync(), Is.EqualTo(1));
        Assert.That(await ValuesAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task KeysArePerTenant()
    {
        using var a = ClientFor(A);
        using var b = ClientFor(B);
        var runA = (await PostAsync(a, "/runs", Body, "shared-key").ExpectAsync(201)).Id("run_id");
        var runB = (await PostAsync(b, "/runs", Body, "shared-key").ExpectAsync(201)).Id("run_id");

        Assert.That(runB, Is.Not.EqualTo(runA), "B's key does not answer with A's run");
        Assert.That(await Sql.ScalarAsync<long>(Dsn, $"SELECT count(*) FROM runs WHERE tenant_id = '{B.TenantId}'"), Is.EqualTo(1));
        await b.GetAsync($"/runs/{runA}").ExpectAsync(404);
    }

    [Test]
    public async Task ConcurrentRetries_StoreOneRun()
    {
        using var client = ClientFor(A);
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await PostAsync(client, "/runs", Body, "burst");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
            return (await response.JsonAsync()).Id("run_id");
        }));

        Assert.That(answers.Distinct().Count(), Is.EqualTo(1));
        Assert.That(await RunsAsync(), Is.EqualTo(1));
        Assert.That(await ValuesAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task RefusedUpload_DoesNotUseUpTheKey()
    {
        using var client = ClientFor(A);
        await PostAsync(client, "/runs", "{\"run_start_time\":\"nope\"}", "fix-and-retry").ExpectAsync(400);
        await PostAsync(client, "/runs", Body, "fix-and-retry").ExpectAsync(201);
        Assert.That(await RunsAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task ExpiredKey_IsForgotten()
    {
        using var client = ClientFor(A);
        var first = (await PostAsync(client, "/runs", Body, "old").ExpectAsync(201)).Id("run_id");
        await Sql.ExecuteAsync(Dsn, "UPDATE idempotency_keys SET created_at = now() - interval '25 hours'");

        var second = (await PostAsync(client, "/runs", Body, "old").ExpectAsync(201)).Id("run_id");
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(await RunsAsync(), Is.EqualTo(2));
        Assert.That(await Sql.ScalarAsync<long>(Dsn, "SELECT count(*) FROM idempotency_keys"), Is.EqualTo(1));
    }

    [TestCase("has space")]
    [TestCase("ünïcode")]
    public async Task MalformedKey_Is400(string key)
    {
        using var client = ClientFor(A);
        var problem = await PostAsync(client, "/runs", Body, key).ExpectAsync(400);
        Assert.That(problem.Str("detail"), Does.Contain("Idempotency-Key"));
        Assert.That(await RunsAsync(), Is.Zero);
    }

    [Test]
    public async Task OverlongKey_Is400()
    {
        using var client = ClientFor(A);
        await PostAsync(client, "/runs", Body, new string('k', 256)).ExpectAsync(400);
        Assert.That(await RunsAsync(), Is.Zero);
    }

    private const string Csv = "valid_time,value_key,value\n2025-01-02T00:00:00Z,wind,1\n2025-01-02T00:00:00Z,solar,2\n";

    [Test]
    public async Task CsvUpload_SameKeyAndRequest_ReplaysTheFirstAnswer()
    {
        using var client = ClientFor(A);
        var first = await client.PostCsvAsync("/runs?run_start_time=2025-01-01T00:00:00Z&workflow_id=csv", Csv, "csv-1").ExpectAsync(201);

        using var retry = await client.PostCsvAsync("/upload?run_start_time=2025-01-01T00:00:00Z&workflow_id=csv", Csv, "csv-1");
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(retry.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
        Assert.That((await retry.JsonAsync()).Id("run_id"), Is.EqualTo(first.Id("run_id")));
        Assert.That(await RunsAsync(), Is.EqualTo(1));
        Assert.That(await ValuesAsync(), Is.EqualTo(2));
    }

    [TestCase("/runs?run_start_time=2025-01-01T00:00:00Z&workflow_id=other", Csv, TestName = "CsvUpload_SameKeyOtherRunFields_Is409_AndStoresNothing")]
    [TestCase("/runs?run_start_time=2025-01-01T00:00:00Z&workflow_id=csv", "valid_time,value_key,value\n2025-01-02T00:00:00Z,wind,9\n", TestName = "CsvUpload_SameKeyOtherRows_Is409_AndStoresNothing")]
    public async Task CsvUpload_SameKeyOtherRequest_Is409(string pathAndQuery, string csv)
    {
        using var client = ClientFor(A);
        await client.PostCsvAsync("/runs?run_start_time=2025-01-01T00:00:00Z&workflow_id=csv", Csv, "csv-2").ExpectAsync(201);

        var problem = await client.PostCsvAsync(pathAndQuery, csv, "csv-2").ExpectAsync(409);
        Assert.That(problem.Str("detail"), Does.Contain("different request"));
        Assert.That(await RunsAsync(), Is.EqualTo(1));
        Assert.That(await ValuesAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task JsonBodyAsCsvWithTheSameKey_IsAnotherRequest()
    {
        using var client = ClientFor(A);
        await PostAsync(client, "/runs", Body, "json-then-csv").ExpectAsync(201);
        await client.PostCsvAsync("/runs?run_start_time=2025-01-01T00:00:00Z", Csv, "json-then-csv").ExpectAsync(409);
        Assert.That(await RunsAsync(), Is.EqualTo(1));
    }
}
