using System.Diagnostics;
using System.Net;

namespace TimeDb.Cli.Bench;

/// <summary>
/// <c>GET /values</c> of every row, flat and overlapping, in every format, each <c>--repeat</c> times: the answer is
/// counted as it streams (not kept), the API's memory watched, and the client's own consuming speed measured. A format
/// the server refuses (400, 406, 415) or answers in another media type is reported as not available.
/// </summary>
internal sealed class ReadScenarios(BenchContext context)
{
    public async Task<IReadOnlyList<BenchFigure>> MeasureAsync(BenchFigure flatCeiling, BenchFigure plainCeiling, CancellationToken cancellationToken)
    {
        var figures = new List<BenchFigure>();
        foreach (var (mode, ceiling) in (ValueTuple<string, BenchFigure>[])[("flat", flatCeiling), ("overlapping", plainCeiling)])
        {
            foreach (var format in BenchFormat.All)
            {
                figures.Add(await ReadAsync(mode, format, ceiling, cancellationToken));
            }
        }

        return figures;
    }

    private async Task<BenchFigure> ReadAsync(string mode, BenchFormat format, BenchFigure ceiling, CancellationToken cancellationToken)
    {
        var rows = context.Dataset.Rows;
        var query = $"/values?mode={mode}&format={format}&{string.Join('&', context.SeriesIdList.Select(id => $"series_id={id}"))}";
        var figure = new BenchFigure(mode == "flat" ? BenchTargets.FlatRead : BenchTargets.OverlappingRead, format.Name, "rows",
            $"GET /values?mode={mode}&format={format}") { Ceiling = ceiling };
        var samples = new List<Sample>();
        long bytes = 0;
        for (var run = 1; run <= context.Settings.Repeat; run++)
        {
            var of = context.Settings.Repeat > 1 ? $" ({run}/{context.Settings.Repeat})" : "";
            context.Progress.Start($"read GET /values, {mode}, {format}: {rows:N0} rows{of}");
            await using var memory = MemoryWatch.Start(context.Server.ProcessId);
            var clock = Stopwatch.StartNew();
            using var response = await context.Client.GetAsync(new Uri(query, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (await RefusedAsync(format, response, cancellationToken) is { } why)
            {
                context.Progress.Failed(why);
                return figure with { NotAvailable = why };
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                BenchHttp.Expect(response, HttpStatusCode.OK, await response.Content.ReadAsStringAsync(cancellationToken), $"the {mode} {format} read");
            }

            var answer = new MeteredStream(await response.Content.ReadAsStreamAsync(cancellationToken));
            var consuming = Stopwatch.StartNew();
            var counted = await format.CountRowsAsync(answer, cancellationToken);
            var elapsed = clock.Elapsed;
            var own = (consuming.Elapsed - answer.Waiting).TotalSeconds;
            var (peak, growth) = memory is null ? (default(double?), default(double?)) : await memory.StopAsync();
            if (counted != rows)
            {
                throw new CliException($"the {mode} {format} read returned {counted} rows, expected {rows}");
            }

            bytes = answer.Bytes;
            samples.Add(context.Progress.Done(new Sample(counted, elapsed)
            {
                ServerPeakMb = peak,
                ServerGrowthMb = growth,
                ClientMbPerSecond = own > 0 ? bytes / 1e6 / own : null,
            }, "rows"));
        }

        return figure with { Samples = samples, Bytes = bytes, Client = ClientSpeed.Consumed(samples, rows, bytes) };
    }

    /// <summary>Why a read in this format is not available, or null when the answer is the format asked for.</summary>
    private static async Task<string?> RefusedAsync(BenchFormat format, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (format is JsonBenchFormat)
        {
            return null;
        }

        if (BenchHttp.RefusesFormat(response.StatusCode))
        {
            return BenchHttp.Refusal(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        var type = response.Content.Headers.ContentType?.MediaType;
        return response.StatusCode == HttpStatusCode.OK && !string.Equals(type, format.MediaType, StringComparison.OrdinalIgnoreCase)
            ? $"the server answered format={format} with {type ?? "no Content-Type"}"
            : null;
    }
}
