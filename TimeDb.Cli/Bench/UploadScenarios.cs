using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace TimeDb.Cli.Bench;

/// <summary>
/// <c>POST /runs</c> of the dataset in every format, each <c>--repeat</c> times, with the API's memory watched. The first
/// JSON upload stays (the reads read it); every later one is deleted and vacuumed away once measured, so each upload
/// meets a table holding one copy of the rows. A format the server refuses (400, 406, 415) is reported as not available.
/// </summary>
internal sealed class UploadScenarios(BenchContext context)
{
    private readonly Dictionary<BenchFormat, List<Sample>> _samples = BenchFormat.All.ToDictionary(f => f, _ => new List<Sample>());
    private readonly Dictionary<BenchFormat, string> _unavailable = [];
    private readonly Dictionary<BenchFormat, (ClientSpeed Speed, long Bytes)> _client = [];

    /// <summary>Produces every format's body into a null sink first: the client's own speed, and each body's size.</summary>
    public async Task MeasureClientAsync(CancellationToken cancellationToken)
    {
        foreach (var format in BenchFormat.All)
        {
            _client[format] = await ClientSpeed.ProduceAsync(context.Dataset.Rows,
                (stream, ct) => format.WriteUploadAsync(context.Dataset, stream, ct), cancellationToken);
        }

        context.Progress.Note("client alone, producing the upload bodies into a null sink: " + string.Join("; ", BenchFormat.All.Select(f =>
            $"{f} {_client[f].Bytes / 1e6:F0} MB at {_client[f].Speed.MbPerSecond:N0} MB/s ({_client[f].Speed.RowsPerSecond:N0} rows/s)")));
    }

    /// <summary>The first JSON upload, which the reads, small reads and updates use.</summary>
    public async Task UploadKeptAsync(CancellationToken cancellationToken)
    {
        var json = BenchFormat.All[0];
        await UploadAsync(json, 1, keep: true, cancellationToken);
        if (context.TenantId is null && context.Database is { } database)
        {
            context.TenantId = await database.TenantOfRunAsync(context.RunIds[0], cancellationToken);
        }
    }

    /// <summary>The other uploads. Without a database nothing can be deleted, so each other format is uploaded once.</summary>
    public async Task UploadRestAsync(CancellationToken cancellationToken)
    {
        var repeat = context.Database is null ? 1 : context.Settings.Repeat;
        if (context.Database is null && context.Settings.Repeat > 1)
        {
            context.Progress.Note("no database to delete uploads from: each format is uploaded once");
        }

        foreach (var format in BenchFormat.All)
        {
            for (var run = _samples[format].Count + 1; run <= repeat && !_unavailable.ContainsKey(format); run++)
            {
                await UploadAsync(format, run, keep: false, cancellationToken);
            }
        }
    }

    public IEnumerable<BenchFigure> Figures(BenchFigure ceiling) => BenchFormat.All.Select(format =>
        new BenchFigure(BenchTargets.Ingest, format.Name, "rows", $"POST /runs, Content-Type: {format.MediaType}")
        {
            Samples = _samples[format],
            NotAvailable = _unavailable.GetValueOrDefault(format),
            Ceiling = ceiling,
            Client = _client[format].Speed,
            Bytes = _client[format].Bytes,
        });

    private async Task UploadAsync(BenchFormat format, int run, bool keep, CancellationToken cancellationToken)
    {
        var dataset = context.Dataset;
        var of = context.Settings.Repeat > 1 ? $" ({run}/{context.Settings.Repeat})" : "";
        context.Progress.Start($"upload POST /runs, {format}: {dataset.Rows:N0} rows ({_client[format].Bytes / 1e6:F0} MB){of}");
        // Expect: 100-continue: a server that refuses the format answers before the body is sent, so the refusal is read
        // as an answer (otherwise it closes the connection under a body still being written).
        using var request = new HttpRequestMessage(HttpMethod.Post, format.UploadUri)
        {
            Content = new StreamedContent(format.MediaType, (stream, ct) => format.WriteUploadAsync(dataset, stream, ct)),
            Headers = { ExpectContinue = true },
        };
        await using var memory = MemoryWatch.Start(context.Server.ProcessId);
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await context.Client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (format is not JsonBenchFormat)
        {
            // A server that does not take the format may answer early and close the connection while the body is still being sent.
            Unavailable(format, $"the server closed the connection during the upload: {ex.Message}");
            return;
        }

        using (response)
        {
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            var elapsed = clock.Elapsed;
            var (peak, growth) = memory is null ? (default(double?), default(double?)) : await memory.StopAsync();
            if (format is not JsonBenchFormat && BenchHttp.RefusesFormat(response.StatusCode))
            {
                Unavailable(format, BenchHttp.Refusal(response.StatusCode, answer));
                return;
            }

            BenchHttp.Expect(response, HttpStatusCode.Created, answer, $"the {format} upload");
            var created = JsonNode.Parse(answer)!;
            var runId = created["run_id"]!.GetValue<Guid>();
            var rows = created["rows_inserted"]!.GetValue<long>();
            if (rows != dataset.Rows)
            {
                throw new CliException($"the {format} upload stored {rows} rows, expected {dataset.Rows}");
            }

            _samples[format].Add(context.Progress.Done(new Sample(rows, elapsed) { ServerPeakMb = peak, ServerGrowthMb = growth }, "rows"));
            if (keep)
            {
                context.RunIds.Add(runId);
                foreach (var (key, id) in created["series_ids"]!.AsObject())
                {
                    context.SeriesIds[key] = id!.GetValue<Guid>();
                }
            }
            else if (context.Database is { } database)
            {
                await database.DeleteRunsAsync([runId], [], cancellationToken);
                await database.VacuumValuesAsync(cancellationToken);
            }
            else
            {
                context.RunIds.Add(runId);
            }
        }
    }

    private void Unavailable(BenchFormat format, string why)
    {
        _unavailable[format] = why;
        context.Progress.Failed(why);
    }
}
