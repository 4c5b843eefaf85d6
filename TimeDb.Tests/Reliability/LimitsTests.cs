using System.Net;
using Npgsql;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Reliability;

/// <summary>Row limits, statement and request timeouts, and the heavy-request gate, each with its own small setting.</summary>
public sealed class LimitsTests : DatabaseTest
{
    private static ApiFactory FactoryWith(params (string Key, string Value)[] limits) =>
        new(ConnectionString, limits.ToDictionary(l => $"TimeDb:Limits:{l.Key}", l => l.Value));

    private static object[] Rows(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Row("wind", $"2025-01-02T{i:00}:00:00Z", i))];

    /// <summary>Holds an exclusive lock on "values" until disposed: every read and write of values waits.</summary>
    private static async Task<NpgsqlConnection> LockValuesAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("BEGIN; LOCK TABLE \"values\" IN ACCESS EXCLUSIVE MODE", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    [Test]
    public async Task UploadOverTheRowLimit_Is413_AndStoresNothing()
    {
        await using var factory = FactoryWith(("MaxUploadRows", "10"));
        using var client = factory.CreateClient();

        var problem = await client.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", Rows(11))).ExpectAsync(413);
        Assert.That(problem.Str("detail"), Does.Contain("at most 10 value rows"));
        Assert.That(await CountAsync("runs"), Is.Zero);

        await client.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", Rows(10))).ExpectAsync(201);
    }

    [TestCase("flat")]
    [TestCase("overlapping")]
    public async Task ReadOverTheRowLimit_Is422_SayingHowToNarrowIt(string mode)
    {
        await using var factory = FactoryWith(("MaxReadRows", "5"));
        using var client = factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T00:00:00Z", Rows(6)));

        var problem = await client.GetAsync($"/values?mode={mode}").ExpectAsync(422);
        Assert.That(problem.Str("detail"), Does.Contain("more than 5 rows").And.Contain("start_valid").And.Contain("series_key"));

        var narrowed = await client.GetAsync($"/values?mode={mode}&end_valid=2025-01-02T05:00:00Z").ExpectAsync(200);
        Assert.That(narrowed.Data(), Has.Count.EqualTo(5), "exactly at the limit is allowed");
    }

    [TestCase("flat")]
    [TestCase("overlapping")]
    public async Task ALongRead_IsCountedInItsOwnRoundTrip_BeforeAnyByte(string mode)
    {
        // The count is the batch's second statement: a limit and a read of more than a few rows each.
        await using var factory = FactoryWith(("MaxReadRows", "1500"));
        using var client = factory.CreateClient();
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        object Point(int i) => Row("wind", start.AddMinutes(15 * i).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), i);
        await client.UploadAsync(Run("2024-12-31T00:00:00Z", [.. Enumerable.Range(0, 1501).Select(Point)]));

        var problem = await client.GetAsync($"/values?mode={mode}").ExpectAsync(422);
        Assert.That(problem.Str("detail"), Does.Contain("more than 1500 rows"));

        var rows = (await client.GetAsync($"/values?mode={mode}&end_valid={start.AddMinutes(15 * 1500):yyyy-MM-ddTHH:mm:ssZ}").ExpectAsync(200)).Data();
        Assert.That(rows, Has.Count.EqualTo(1500), "exactly at the limit");
        Assert.That(rows.Select(r => r.Num("value")), Is.EqualTo(Enumerable.Range(0, 1500).Select(i => (double?)i)), "every row once, in order");
    }

    [Test]
    public async Task FlatRead_CountsTheLatestRows_NotEveryVersion()
    {
        await using var factory = FactoryWith(("MaxReadRows", "6"));
        using var client = factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T00:00:00Z", Rows(6)));
        await client.UploadAsync(Run("2025-01-01T01:00:00Z", Rows(6)));

        Assert.That((await client.GetAsync("/values").ExpectAsync(200)).Data(), Has.Count.EqualTo(6), "12 forecasts, 6 latest values");
        await client.GetAsync("/values?mode=overlapping").ExpectAsync(422);
    }

    [Test]
    public async Task StatementTimeout_Is504()
    {
        await using var factory = FactoryWith(("StatementTimeoutSeconds", "1"));
        using var client = factory.CreateClient();
        // A connection used once and back in the pool (reset with DISCARD ALL or not: ConnectionPoolDefaults): the timeout must survive that.
        await client.GetAsync("/values").ExpectAsync(200);

        await using (await LockValuesAsync())
        {
            var problem = await client.GetAsync("/values").ExpectAsync(504);
            Assert.That(problem.Str("detail"), Does.Contain("statement timeout"));
            Assert.That(problem.Str("traceId"), Is.Not.Empty);
        }

        await client.GetAsync("/values").ExpectAsync(200);
    }

    [Test]
    public async Task RequestTimeout_Is504()
    {
        await using var factory = FactoryWith(("RequestTimeoutSeconds", "1"));
        using var client = factory.CreateClient();

        await using (await LockValuesAsync())
        {
            using var response = await client.GetAsync("/values");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        }

        await client.GetAsync("/values").ExpectAsync(200);
    }

    [Test]
    public async Task BurstOfHeavyRequests_ExcessGets503WithRetryAfter_LightCallsStillServed()
    {
        await using var factory = FactoryWith(("MaxConcurrentHeavyRequests", "2"), ("HeavyRequestQueue", "3"));
        using var client = factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T00:00:00Z", Rows(3)));

        List<Task<HttpResponseMessage>> burst;
        await using (await LockValuesAsync())
        {
            burst = [.. Enumerable.Range(0, 20).Select(_ => client.GetAsync("/values"))];
            // 2 run (blocked on the lock), 3 wait: the other 15 are refused at once.
            var refused = 0;
            while (refused < 15)
            {
                var done = await Task.WhenAny(burst.Where(t => !t.IsCompleted).Append(Task.Delay(TimeSpan.FromSeconds(30))));
                Assert.That(done, Is.InstanceOf<Task<HttpResponseMessage>>(), "refusals come at once");
                refused = burst.Count(t => t.IsCompleted);
            }

            await client.GetAsync("/series").ExpectAsync(200);
        }

        var responses = await Task.WhenAll(burst);
        var statuses = responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(statuses, Is.EquivalentTo(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.OK] = 5, [HttpStatusCode.ServiceUnavailable] = 15 }));
        foreach (var busy in responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable))
        {
            Assert.That(busy.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That((await busy.JsonAsync()).Str("title"), Is.EqualTo("Server busy"));
        }

        foreach (var ok in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
        {
            Assert.That((await ok.JsonAsync()).Data(), Has.Count.EqualTo(3));
        }
    }
}
