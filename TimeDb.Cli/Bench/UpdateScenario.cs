using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TimeDb.Cli.Bench;

/// <summary>Versioned updates: <c>PUT /values</c> in batches of 1,000 corrections of the kept upload (no ceiling: a figure for reference).</summary>
internal sealed class UpdateScenario(BenchContext context)
{
    public async Task<BenchFigure> MeasureAsync(CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var figure = new BenchFigure(BenchTargets.Updates, "json", "rows", $"PUT /values, {settings.UpdateBatches} batches of {settings.UpdateBatchSize:N0}");
        if (settings.UpdateBatches == 0)
        {
            return figure with { NotAvailable = "--update-batches 0" };
        }

        var samples = new List<Sample>();
        for (var run = 0; run < settings.Repeat; run++)
        {
            var of = settings.Repeat > 1 ? $" ({run + 1}/{settings.Repeat})" : "";
            context.Progress.Start($"PUT /values: {settings.UpdateBatches} batches of {settings.UpdateBatchSize} versioned updates{of}");
            var latencies = new List<double>();
            long updated = 0;
            var total = Stopwatch.StartNew();
            for (var batch = run * settings.UpdateBatches; batch < (run + 1) * settings.UpdateBatches; batch++)
            {
                using var content = new ByteArrayContent(UpdateBody(batch));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var clock = Stopwatch.StartNew();
                using var response = await context.Client.PutAsync(new Uri("/values", UriKind.Relative), content, cancellationToken);
                var answer = await response.Content.ReadAsStringAsync(cancellationToken);
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                BenchHttp.Expect(response, HttpStatusCode.OK, answer, "the update");
                updated += JsonNode.Parse(answer)!["updated"]!.AsArray().Count;
            }

            latencies.Sort();
            samples.Add(context.Progress.Done(new Sample(updated, total.Elapsed)
            {
                P50Ms = latencies[(int)Math.Ceiling(0.5 * latencies.Count) - 1],
                P99Ms = latencies[(int)Math.Ceiling(0.99 * latencies.Count) - 1],
            }, "rows"));
        }

        return figure with { Samples = samples };
    }

    /// <summary>A batch of corrections of one series: each a new value, so none is a no-op.</summary>
    private byte[] UpdateBody(int batch)
    {
        var dataset = context.Dataset;
        var size = context.Settings.UpdateBatchSize;
        var series = batch % dataset.SeriesKeys.Count;
        var seriesId = context.SeriesIds[dataset.SeriesKeys[series]];
        var points = dataset.PointsOf(series);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("updates");
            for (var i = 0; i < size; i++)
            {
                var point = (batch / dataset.SeriesKeys.Count * size + i) % points;
                json.WriteStartObject();
                json.WriteString("run_id", context.RunIds[0]);
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
}
