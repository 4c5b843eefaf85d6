using System.Net;
using System.Text;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Reliability;

/// <summary>
/// 200 concurrent whole-range reads against a real `timedb api` with its default limits: the excess gets
/// 503 with Retry-After at once, every answered read is whole, the connection pool and memory stay bounded,
/// and the server is fine afterwards.
/// </summary>
[Category(TestSize.Long)]
public sealed class OverloadTests
{
    [Test]
    public async Task BurstOf200BigReads_IsBounded_ExcessIs503WithRetryAfter()
    {
        var rows = TestSize.Pick(20_000, 200_000);
        var dsn = await TestEnvironment.Server.CreateDatabaseAsync("timedb_burst");
        try
        {
            Assert.That((await CliRunner.RunAsync(["create", "tables", "--dsn", dsn, "-y"])).ExitCode, Is.Zero);
            await using var api = await ApiProcess.StartAsync(dsn);
            using var client = api.CreateClient(timeout: TimeSpan.FromMinutes(10));
            var ledger = new UploadLedger();
            await new FaultClient().UploadUntilAcknowledgedAsync(client, ledger.NewAttempt("b", rows), TimeSpan.FromMinutes(2));
            var database = new Npgsql.NpgsqlConnectionStringBuilder(dsn).Database;
            var idle = api.ResidentBytes();

            await using var connections = EverySecond.Start(async () =>
                await Sql.ScalarAsync<long>(TestEnvironment.Server.AdminConnectionString, $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}'"));
            await using var memory = EverySecond.Start(() => Task.FromResult(api.ResidentBytes()));
            var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => ReadWholeAsync(client, rows)));
            var pool = await connections.StopAsync();
            var resident = await memory.StopAsync();

            var statuses = answers.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
            await TestContext.Out.WriteLineAsync(
                $"burst of 200 reads of {rows} rows each: {string.Join(", ", statuses.Select(s => $"{(int)s.Key}: {s.Value}"))}; " +
                $"PostgreSQL connections max {pool.DefaultIfEmpty().Max()}; API memory idle {idle / 1048576} MB, peak {resident.DefaultIfEmpty(idle).Max() / 1048576} MB");
            Assert.That(statuses.Keys, Is.SubsetOf(new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
            Assert.That(statuses.GetValueOrDefault(HttpStatusCode.OK), Is.GreaterThanOrEqualTo(16 + 64), "the slots and the queue were served");
            Assert.That(statuses.GetValueOrDefault(HttpStatusCode.ServiceUnavailable), Is.Positive, "the excess was refused");
            Assert.That(answers.Where(a => a.Status == HttpStatusCode.OK).All(a => a.Whole), Is.True, "every answered read is whole");
            Assert.That(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).All(a => a.RetryAfter), Is.True, "503 says when to retry");
            Assert.That(pool.DefaultIfEmpty().Max(), Is.LessThanOrEqualTo(16 + 10), "reads hold at most one connection per slot; the auth lookups of the burst share one query");
            await client.GetAsync("/health/ready").ExpectAsync(200);
        }
        finally
        {
            await TestEnvironment.Server.DropDatabaseAsync(dsn);
        }
    }

    private sealed record Answer(HttpStatusCode Status, bool Whole, bool RetryAfter);

    /// <summary>Reads the answer as a stream (not into memory) and checks its tail names the expected count.</summary>
    private static async Task<Answer> ReadWholeAsync(HttpClient client, int rows)
    {
        using var response = await client.GetAsync(new Uri("/values?mode=overlapping", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        var tail = new byte[64];
        var tailLength = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            if (read >= tail.Length)
            {
                Array.Copy(buffer, read - tail.Length, tail, 0, tail.Length);
                tailLength = tail.Length;
            }
            else
            {
                var keep = Math.Min(tailLength, tail.Length - read);
                Array.Copy(tail, tailLength - keep, tail, 0, keep);
                Array.Copy(buffer, 0, tail, keep, read);
                tailLength = keep + read;
            }
        }

        var whole = Encoding.UTF8.GetString(tail, 0, tailLength).Contains($"\"count\":{rows}}}", StringComparison.Ordinal);
        return new Answer(response.StatusCode, whole, response.Headers.RetryAfter is not null);
    }
}
