using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TimeDb.Domain.Values;
using TimeDb.Infrastructure.Benchmarks;

namespace TimeDb.Cli.Bench;

/// <summary>
/// The measurements, in order: the COPY ceiling, the upload, the flat and overlapping reads (each
/// beside PostgreSQL's COPY-out of the same query), the small-read load and a batch of versioned updates.
/// </summary>
internal sealed class BenchScenarios(
    BenchSettings settings,
    HttpClient client,
    BenchServer server,
    BenchmarkDatabase? database,
    Guid? tenantId,
    BenchProgress progress)
{
    private readonly BenchDataset _dataset = new(settings.Rows, settings.Series, "bench_" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<BenchResult> _results = [];

    /// <summary>The runs and series the upload created (what a clean-up outside a throwaway tenant deletes).</summary>
    public List<Guid> RunIds { get; } = [];

    public Dictionary<string, Guid> SeriesIds { get; } = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<BenchResult>> RunAsync(CancellationToken cancellationToken)
    {
        var knownTime = new DateTimeOffset(BenchDataset.Start.AddDays(-1));
        var copyIn = await CopyInCeilingAsync(knownTime, cancellationToken);
        await UploadAsync(knownTime, copyIn, cancellationToken);
        await ReadAsync(ReadMode.Flat, cancellationToken);
        await ReadAsync(ReadMode.Overlapping, cancellationToken);
        await SmallReadsAsync(cancellationToken);
        await UpdatesAsync(cancellationToken);
        return _results;
    }

    private async Task<BenchResult?> CopyInCeilingAsync(DateTimeOffset knownTime, CancellationToken cancellationToken)
    {
        if (database is null || tenantId is not { } tenant)
        {
            progress.Skip("COPY into values (PostgreSQL ceiling)", "needs --dsn and a throwaway tenant");
            return null;
        }

        var series = _dataset.SeriesKeys.Select(k => (Guid.CreateVersion7(), "ceiling_" + k)).ToList();
        var runId = Guid.CreateVersion7();
        var csv = _dataset.CeilingCsv(tenant, runId, series.Select(s => s.Item1).ToList(), knownTime);
        progress.Start($"COPY of {settings.Rows:N0} CSV rows into values (PostgreSQL ceiling, rolled back)");
        var copy = await database.CopyInCeilingAsync(new CeilingRun(tenant, runId, knownTime, series, csv), cancellationToken);
        return progress.Done(new BenchResult("COPY in (PostgreSQL)", "rows", copy.Rows, copy.Elapsed), _results);
    }

    private async Task UploadAsync(DateTimeOffset knownTime, BenchResult? ceiling, CancellationToken cancellationToken)
    {
        var body = _dataset.UploadBody(knownTime, "timedb-bench");
        progress.Start($"POST /runs with {settings.Rows:N0} rows ({body.Length / 1e6:F0} MB of JSON)");
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await using var memory = MemoryWatch.Start(server.ProcessId);
        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsync(new Uri("/runs", UriKind.Relative), content, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        var elapsed = clock.Elapsed;
        var (peak, growth) = memory is null ? (default(double?), default(double?)) : await memory.StopAsync();
        Expect(response, HttpStatusCode.Created, answer, "the upload");

        var created = JsonNode.Parse(answer)!;
        RunIds.Add(created["run_id"]!.GetValue<Guid>());
        foreach (var (key, id) in created["series_ids"]!.AsObject())
        {
            SeriesIds[key] = id!.GetValue<Guid>();
        }

        progress.Done(new BenchResult("upload POST /runs", "rows", created["rows_inserted"]!.GetValue<long>(), elapsed)
        {
            ServerPeakMb = peak,
            ServerGrowthMb = growth,
            CeilingPerSecond = ceiling?.PerSecond,
            CeilingName = ceiling?.Name,
        }, _results);
    }

    private async Task ReadAsync(ReadMode mode, CancellationToken cancellationToken)
    {
        var name = mode == ReadMode.Flat ? "flat" : "overlapping";
        var ids = _dataset.SeriesKeys.Select(k => SeriesIds[k]).ToList();
        BenchResult? ceiling = null;
        if (database is not null && tenantId is { } tenant)
        {
            progress.Start($"COPY ({name} query) TO STDOUT (PostgreSQL ceiling)");
            var query = new ValueQuery(mode, null, null, null, null, [], ids, AllVersions: false);
            var copy = await database.CopyOutCeilingAsync(query, tenant, cancellationToken);
            ceiling = progress.Done(new BenchResult($"COPY out {name} (PostgreSQL)", "rows", copy.Rows, copy.Elapsed), _results);
        }

        progress.Start($"GET /values?mode={name} of {settings.Rows:N0} rows");
        var uri = new Uri($"/values?mode={name}&{string.Join('&', ids.Select(id => $"series_id={id}"))}", UriKind.Relative);
        await using var memory = MemoryWatch.Start(server.ProcessId);
        var clock = Stopwatch.StartNew();
        var rows = await ReadCountAsync(uri, cancellationToken);
        var elapsed = clock.Elapsed;
        var (peak, growth) = memory is null ? (default(double?), default(double?)) : await memory.StopAsync();
        if (rows != settings.Rows)
        {
            throw new CliException($"the {name} read returned {rows} rows, expected {settings.Rows}");
        }

        progress.Done(new BenchResult($"read {name} GET /values", "rows", rows, elapsed)
        {
            ServerPeakMb = peak,
            ServerGrowthMb = growth,
            CeilingPerSecond = ceiling?.PerSecond,
            CeilingName = ceiling?.Name,
        }, _results);
    }

    /// <summary>Reads a whole response as it streams, keeping only its tail, and returns its <c>count</c>.</summary>
    private async Task<long> ReadCountAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Expect(response, HttpStatusCode.OK, await response.Content.ReadAsStringAsync(cancellationToken), "the read");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[128 * 1024];
        var tail = new byte[64];
        var tailLength = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var keep = Math.Min(read, tail.Length);
            var shift = Math.Min(tailLength, tail.Length - keep);
            Array.Copy(tail, tailLength - shift, tail, 0, shift);
            Array.Copy(buffer, read - keep, tail, shift, keep);
            tailLength = shift + keep;
        }

        var end = Encoding.UTF8.GetString(tail, 0, tailLength);
        var at = end.LastIndexOf("\"count\":", StringComparison.Ordinal);
        return at >= 0 && long.TryParse(end.AsSpan(at + 8).TrimEnd('}').Trim(), CultureInfo.InvariantCulture, out var count)
            ? count
            : throw new CliException("the read's response did not end with a count: it was cut short");
    }

    private async Task SmallReadsAsync(CancellationToken cancellationToken)
    {
        var ids = _dataset.SeriesKeys.Select(k => SeriesIds[k]).ToArray();
        var points = Math.Max(1, _dataset.PointsOf(_dataset.SeriesKeys.Count - 1) - 4);
        Uri Next(Random random)
        {
            var from = BenchDataset.ValidTime(random.Next(points));
            return new Uri(
                $"/values?series_id={ids[random.Next(ids.Length)]}&start_valid={Iso(from)}&end_valid={Iso(from.AddHours(1))}",
                UriKind.Relative);
        }

        progress.Start($"GET /values of one series and one hour, {settings.Concurrency} connections for {settings.LoadDuration.TotalSeconds:F0} s");
        await using var memory = MemoryWatch.Start(server.ProcessId);
        var outcome = await LoadGenerator.RunAsync(client, Next, settings.Concurrency, TimeSpan.FromSeconds(2), settings.LoadDuration, cancellationToken);
        var (peak, growth) = memory is null ? (default(double?), default(double?)) : await memory.StopAsync();
        progress.Done(new BenchResult($"small reads GET /values ×{settings.Concurrency}", "req", outcome.Requests, outcome.Elapsed)
        {
            P50Ms = outcome.P50Ms,
            P99Ms = outcome.P99Ms,
            Errors = outcome.Errors,
            ServerPeakMb = peak,
            ServerGrowthMb = growth,
        }, _results);
    }

    private async Task UpdatesAsync(CancellationToken cancellationToken)
    {
        if (settings.UpdateBatches == 0)
        {
            return;
        }

        progress.Start($"PUT /values: {settings.UpdateBatches} batches of {settings.UpdateBatchSize} versioned updates");
        var latencies = new List<double>();
        long updated = 0;
        var total = Stopwatch.StartNew();
        for (var batch = 0; batch < settings.UpdateBatches; batch++)
        {
            var body = UpdateBody(batch);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var clock = Stopwatch.StartNew();
            using var response = await client.PutAsync(new Uri("/values", UriKind.Relative), content, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Expect(response, HttpStatusCode.OK, answer, "the update");
            updated += JsonNode.Parse(answer)!["updated"]!.AsArray().Count;
        }

        latencies.Sort();
        progress.Done(new BenchResult("update PUT /values", "rows", updated, total.Elapsed)
        {
            P50Ms = latencies[(int)Math.Ceiling(0.5 * latencies.Count) - 1],
            P99Ms = latencies[(int)Math.Ceiling(0.99 * latencies.Count) - 1],
        }, _results);
    }

    private byte[] UpdateBody(int batch)
    {
        var series = batch % _dataset.SeriesKeys.Count;
        var seriesId = SeriesIds[_dataset.SeriesKeys[series]];
        var points = _dataset.PointsOf(series);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("updates");
            for (var i = 0; i < settings.UpdateBatchSize; i++)
            {
                var point = (batch / _dataset.SeriesKeys.Count * settings.UpdateBatchSize + i) % points;
                json.WriteStartObject();
                json.WriteString("run_id", RunIds[0]);
                json.WriteString("series_id", seriesId);
                json.WriteString("valid_time", BenchDataset.ValidTime(point));
                json.WriteNumber("value", BenchDataset.Value(series, point) + 1 + batch);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string Iso(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Expect(HttpResponseMessage response, HttpStatusCode expected, string body, string what)
    {
        if (response.StatusCode != expected)
        {
            var detail = body.Length > 300 ? body[..300] + "…" : body;
            throw new CliException($"{what} answered {(int)response.StatusCode} instead of {(int)expected}: {detail}");
        }
    }
}
