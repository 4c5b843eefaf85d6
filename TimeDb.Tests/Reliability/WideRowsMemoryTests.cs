using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Reliability;

/// <summary>
/// Issue 13's memory attack, with the widest rows the caps allow: series_key 256 characters, unit 64 and
/// annotation 4,096 characters of <c>&lt;</c>, 32 tags of 64 characters. Read back several times at once (flat,
/// and overlapping with all_versions, in JSON, CSV and Arrow) from a real <c>timedb api</c> process, hundreds of MB
/// in all, the server's resident memory grows by less than 100 MB: every format's stream is bounded by bytes
/// and nothing is escaped six-fold.
/// </summary>
[Category(TestSize.Long)]
public sealed class WideRowsMemoryTests
{
    private const long AllowedGrowth = 100L * 1024 * 1024;
    private const int Series = 10;

    [Test]
    public async Task ConcurrentReadsOfTheWidestRows_KeepTheApiMemoryGrowthUnder100MB()
    {
        // Short: ~70 MB per read, ~0.4 GB in all. TIMEDB_LONG=1: ~0.7 GB per read, ~5.5 GB in all.
        var rows = TestSize.Pick(10_000, 100_000);
        var readers = TestSize.Pick(3, 4);
        var dsn = await TestEnvironment.Server.CreateDatabaseAsync("timedb_wide");
        try
        {
            Assert.That((await CliRunner.RunAsync(["create", "tables", "--dsn", dsn, "-y"])).ExitCode, Is.Zero);
            await using var api = await ApiProcess.StartAsync(dsn);
            using var client = api.CreateClient(timeout: TimeSpan.FromMinutes(30));
            await UploadWidestRowsAsync(client, dsn, rows);

            // Warm up the read paths (JIT, pools) on a small read, so that what follows measures the reads alone.
            foreach (var format in new[] { "json", "csv", "arrow" })
            {
                var warmUp = await ReadCountingAsync(client, $"/values?series_key={Key(0)}&end_valid=2025-01-01T01:00:00Z&format={format}");
                Assert.That(warmUp.Status, Is.EqualTo(HttpStatusCode.OK));
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            var idle = api.ResidentBytes();
            api.ResetPeakResident();

            var elapsed = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                var peak = 0L;
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, api.ResidentBytes());
                    await Task.Delay(50, CancellationToken.None);
                }

                return peak;
            });
            var reads = Enumerable.Range(0, readers).SelectMany(_ => new[] { "/values", "/values?mode=overlapping&all_versions=true" })
                .Select(url => ReadCountingAsync(client, url)).ToList();
            var csvReads = Enumerable.Range(0, readers).Select(_ => ReadCountingAsync(client, "/values?format=csv&mode=overlapping&all_versions=true")).ToList();
            var arrowReads = Enumerable.Range(0, readers).Select(_ => ReadCountingAsync(client, "/values?format=arrow&mode=overlapping&all_versions=true")).ToList();
            var answers = await Task.WhenAll(reads);
            var csvAnswers = await Task.WhenAll(csvReads);
            var arrowAnswers = await Task.WhenAll(arrowReads);
            await stop.CancelAsync();
            var peak = Math.Max(await sampler, api.PeakResidentBytes());
            elapsed.Stop();

            var bytesRead = answers.Sum(a => a.Bytes) + csvAnswers.Sum(a => a.Bytes) + arrowAnswers.Sum(a => a.Bytes);
            await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{answers.Length + csvAnswers.Length + arrowAnswers.Length} concurrent reads (JSON, CSV, Arrow) of {rows:N0} widest rows: {bytesRead / 1048576.0:N0} MB read in {elapsed.Elapsed.TotalSeconds:N1} s " +
                $"({answers[0].Bytes / (double)rows:N0} bytes per row); API resident memory idle {idle / 1048576.0:N0} MB, peak {peak / 1048576.0:N0} MB, " +
                $"growth {(peak - idle) / 1048576.0:N0} MB"));
            Assert.That(answers.Select(a => a.Status), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(answers.Select(a => a.Tail), Has.All.EndsWith(string.Create(CultureInfo.InvariantCulture, $"\"count\":{rows}}}")), "every read is whole");
            // Unescaped, a row is ~6.9 kB; with '<' written as \u003C it would be ~31 kB.
            Assert.That(answers.Min(a => a.Bytes) / (double)rows, Is.InRange(6_000, 9_000), "bytes per row");
            Assert.That(csvAnswers.Concat(arrowAnswers).Select(a => a.Status), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(csvAnswers.Select(a => a.Tail), Has.All.EndsWith("\r\n"), "every CSV read is whole");
            Assert.That(csvAnswers.Min(a => a.Bytes) / (double)rows, Is.InRange(6_000, 9_000), "CSV bytes per row");
            // An Arrow IPC stream ends with the end-of-stream marker: 0xFFFFFFFF then a zero length.
            Assert.That(arrowAnswers.Select(a => Convert.ToHexString(a.TailBytes)), Has.All.EndsWith("FFFFFFFF00000000"), "every Arrow read is whole");
            Assert.That(arrowAnswers.Min(a => a.Bytes) / (double)rows, Is.InRange(6_000, 9_000), "Arrow bytes per row");
            Assert.That(peak - idle, Is.LessThan(AllowedGrowth), "API resident memory growth");
        }
        finally
        {
            await TestEnvironment.Server.DropDatabaseAsync(dsn);
        }
    }

    /// <summary>A series_key of exactly 256 characters.</summary>
    private static string Key(int series) => $"wide-{series:D2}-".PadRight(256, 'k');

    /// <summary>
    /// Uploads <paramref name="rows"/> rows over <see cref="Series"/> series with 64-character units of '&lt;', then sets
    /// the widest annotation and tags on every value directly in the database (PUT /values would take 10 MB bodies).
    /// </summary>
    private static async Task UploadWidestRowsAsync(HttpClient client, string dsn, int rows)
    {
        var perSeries = rows / Series;
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var series = 0; series < Series; series++)
        {
            var body = new StringBuilder(perSeries * 340);
            body.Append(CultureInfo.InvariantCulture, $"{{\"run_start_time\":\"2025-01-01T00:00:00Z\",\"series_units\":{{\"{Key(series)}\":\"{new string('<', 64)}\"}},\"value_rows\":[");
            for (var i = 0; i < perSeries; i++)
            {
                body.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}{{\"valid_time\":\"{start.AddMinutes(i):yyyy-MM-ddTHH:mm:ssZ}\",\"value_key\":\"{Key(series)}\",\"value\":{i}.5}}");
            }

            body.Append("]}");
            await client.PostRawAsync("/runs", body.ToString()).ExpectAsync(201);
        }

        // A series at a time, with time to spare: the long form writes ~0.7 GB.
        var patient = new Npgsql.NpgsqlConnectionStringBuilder(dsn) { CommandTimeout = 600 }.ConnectionString;
        for (var series = 0; series < Series; series++)
        {
            await Sql.ExecuteAsync(patient,
                "UPDATE \"values\" SET annotation = repeat('<', 4096), tags = array(SELECT lpad(i::text, 2, '0') || repeat('t', 62) FROM generate_series(0, 31) i) " +
                $"WHERE series_id = (SELECT series_id FROM series WHERE series_key = '{Key(series)}')");
        }
        Assert.That(await Sql.ScalarAsync<long>(dsn, "SELECT count(*) FROM \"values\" WHERE char_length(annotation) = 4096 AND cardinality(tags) = 32"),
            Is.EqualTo(rows));
    }

    private sealed record Answer(HttpStatusCode Status, long Bytes, byte[] TailBytes)
    {
        public string Tail => Encoding.UTF8.GetString(TailBytes);
    }

    /// <summary>Reads the answer as a stream, counting its bytes and keeping only its last few.</summary>
    private static async Task<Answer> ReadCountingAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        var tail = new List<byte>(128);
        long bytes = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes += read;
            tail.AddRange(buffer.AsSpan(Math.Max(0, read - 64), Math.Min(read, 64)));
            if (tail.Count > 64)
            {
                tail.RemoveRange(0, tail.Count - 64);
            }
        }

        return new Answer(response.StatusCode, bytes, [.. tail]);
    }
}
