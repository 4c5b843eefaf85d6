using TimeDb.Infrastructure.Benchmarks;

namespace TimeDb.Cli.Bench;

/// <summary>
/// Small reads: <c>GET /values</c> of one series and one hour over <c>--concurrency</c> connections (closed loop,
/// 2 s of warm-up not counted), beside pgbench running the simplest SQL for the same answer with as many clients
/// (<see cref="CeilingSql.SmallReadScript"/>). The two alternate, <c>--repeat</c> times each.
/// </summary>
internal sealed class SmallReadScenario(BenchContext context, PostgresTools? tools)
{
    public async Task<(BenchFigure Api, BenchFigure Ceiling)> MeasureAsync(CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var seconds = (int)Math.Ceiling(settings.LoadDuration.TotalSeconds);
        var method = $"pgbench -n -c{settings.Concurrency} -j{Math.Min(2, settings.Concurrency)} -T{seconds}: SELECT DISTINCT ON (series_id, valid_time, valid_time_end) ... FROM \"values\", one series, one hour";
        var unavailable = tools is null || context.TenantId is null ? "needs a database (--dsn)"
            : tools.PgBench is null ? "pgbench is not on PATH"
            : null;
        var api = new List<Sample>();
        var pg = new List<Sample>();
        for (var run = 1; run <= settings.Repeat; run++)
        {
            var of = settings.Repeat > 1 ? $" ({run}/{settings.Repeat})" : "";
            api.Add(await ApiAsync(of, cancellationToken));
            if (unavailable is null)
            {
                pg.Add(await PgBenchAsync(of, cancellationToken));
            }
        }

        if (unavailable is not null)
        {
            context.Progress.Skip("small-read ceiling (pgbench)", unavailable);
        }

        var ceiling = new BenchFigure(BenchTargets.SmallReads, BenchTargets.Ceiling, "tx", method) { Samples = pg, NotAvailable = unavailable };
        return (new BenchFigure(BenchTargets.SmallReads, "json", "req", $"GET /values (one series, one hour) {settings.Concurrency} connections")
        {
            Samples = api,
            Ceiling = ceiling,
        }, ceiling);
    }

    private async Task<Sample> ApiAsync(string of, CancellationToken cancellationToken)
    {
        var ids = context.SeriesIdList;
        var starts = context.Dataset.SmallReadStarts;
        Uri Next(Random random)
        {
            var from = BenchDataset.ValidTime(random.Next(starts));
            return new Uri(
                $"/values?series_id={ids[random.Next(ids.Count)]}&start_valid={BenchDataset.Iso(from)}&end_valid={BenchDataset.Iso(from.AddHours(1))}",
                UriKind.Relative);
        }

        var settings = context.Settings;
        context.Progress.Start($"small reads GET /values (one series, one hour), {settings.Concurrency} connections for {settings.LoadDuration.TotalSeconds:F0} s{of}");
        await using var memory = MemoryWatch.Start(context.Server.ProcessId);
        var outcome = await LoadGenerator.RunAsync(context.Client, Next, settings.Concurrency, TimeSpan.FromSeconds(2), settings.LoadDuration, cancellationToken);
        var (peak, growth) = memory is null ? (default(double?), default(double?)) : await memory.StopAsync();
        return context.Progress.Done(new Sample(outcome.Requests, outcome.Elapsed)
        {
            P50Ms = outcome.P50Ms,
            P99Ms = outcome.P99Ms,
            Errors = outcome.Errors,
            ServerPeakMb = peak,
            ServerGrowthMb = growth,
        }, "req");
    }

    private async Task<Sample> PgBenchAsync(string of, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var script = CeilingSql.SmallReadScript(context.TenantId!.Value, context.SeriesIdList, BenchDataset.Start, BenchDataset.Step, context.Dataset.SmallReadStarts);
        context.Progress.Start($"small-read ceiling: pgbench, {settings.Concurrency} clients for {settings.LoadDuration.TotalSeconds:F0} s{of}");
        var outcome = await tools!.PgBenchAsync(script, settings.Concurrency, settings.LoadDuration, cancellationToken);
        return context.Progress.Done(new Sample(outcome.Transactions, TimeSpan.FromSeconds(outcome.Transactions / Math.Max(outcome.Tps, 1e-9)))
        {
            P50Ms = outcome.P50Ms,
            P99Ms = outcome.P99Ms,
            Errors = outcome.Failed,
        }, "tx");
    }
}
