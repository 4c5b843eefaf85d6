using System.Globalization;
using TimeDb.Infrastructure.Benchmarks;

namespace TimeDb.Cli.Bench;

/// <summary>The physical ceilings of one run (issue 14), each measured <c>--repeat</c> times.</summary>
internal sealed record CeilingFigures(BenchFigure Ingest, BenchFigure FlatRead, BenchFigure PlainRead);

/// <summary>
/// What PostgreSQL does with the benchmark's rows with nothing of TimeDB in the way: psql <c>\copy</c> of the same
/// rows into a scratch table with the columns and indexes of <c>values</c> and no foreign keys, then <c>\copy</c> of
/// the flat answer (<c>DISTINCT ON</c>) and of every row out of it to /dev/null. Without psql, Npgsql's text COPY
/// does the same (and the report says so). The scratch table is dropped afterwards.
/// </summary>
internal sealed class Ceilings(BenchContext context, BenchmarkDatabase database, PostgresTools tools)
{
    // The ceiling's rows are the API's rows with ids of their own (no foreign key points anywhere).
    private readonly Guid _tenantId = context.TenantId ?? Guid.NewGuid();
    private readonly Guid _runId = Guid.CreateVersion7();
    private readonly List<Guid> _seriesIds = context.Dataset.SeriesKeys.Select(_ => Guid.CreateVersion7()).ToList();

    private string Method => tools.Psql is not null ? "psql \\copy" : "Npgsql text COPY (psql is not on PATH)";

    public async Task<CeilingFigures> MeasureAsync(CancellationToken cancellationToken)
    {
        var progress = context.Progress;
        var rows = context.Dataset.Rows;
        var (client, bytes) = await ClientSpeed.ProduceAsync(rows, WriteRowsAsync, cancellationToken);
        var table = await database.CreateCeilingTableAsync(context.Dataset.Tag, cancellationToken);
        try
        {
            var ingest = await RepeatAsync($"ingest ceiling: {Method} of {rows:N0} CSV rows ({bytes / 1e6:F0} MB) into a scratch copy of values", async run =>
            {
                if (run > 0)
                {
                    await database.EmptyCeilingTableAsync(table, cancellationToken);
                }

                return tools.Psql is null
                    ? await database.CopyIntoCeilingAsync(table, WriteRowsAsync, cancellationToken)
                    : await tools.CopyAsync($"\\copy {CeilingSql.IngestTarget(table)} FROM pstdin (FORMAT csv)", WriteRowsAsync, cancellationToken);
            });
            var flat = await RepeatAsync($"flat read ceiling: {Method} (SELECT DISTINCT ON …) to /dev/null", _ => CopyOutAsync(CeilingSql.FlatSource(table), cancellationToken));
            var plain = await RepeatAsync($"overlapping read ceiling: plain {Method} of every row to /dev/null", _ => CopyOutAsync(CeilingSql.PlainSource(table), cancellationToken));
            return new CeilingFigures(
                Figure(BenchTargets.Ingest, $"{Method} into a scratch table like values (its indexes, no foreign keys)", ingest) with { Client = client, Bytes = bytes },
                Figure(BenchTargets.FlatRead, $"{Method} (SELECT DISTINCT ON (valid_time, valid_time_end, series_id) ...) TO /dev/null", flat),
                Figure(BenchTargets.OverlappingRead, $"plain {Method} TO /dev/null", plain));
        }
        finally
        {
            await database.DropCeilingTableAsync(table, CancellationToken.None);
        }
    }

    private Task<CopyMeasurement> CopyOutAsync(string source, CancellationToken cancellationToken) =>
        tools.Psql is null
            ? database.CopyOutAsync(source, cancellationToken)
            : tools.CopyAsync($"\\copy {source} TO '/dev/null'", input: null, cancellationToken);

    private async Task<List<Sample>> RepeatAsync(string what, Func<int, Task<CopyMeasurement>> measure)
    {
        var samples = new List<Sample>();
        for (var run = 0; run < context.Settings.Repeat; run++)
        {
            context.Progress.Start(context.Settings.Repeat > 1 ? $"{what} ({run + 1}/{context.Settings.Repeat})" : what);
            var copy = await measure(run);
            if (copy.Rows != context.Dataset.Rows)
            {
                throw new CliException($"{what}: COPY moved {copy.Rows} rows, expected {context.Dataset.Rows}");
            }

            samples.Add(context.Progress.Done(new Sample(copy.Rows, copy.Elapsed), "rows"));
        }

        return samples;
    }

    private static BenchFigure Figure(string scenario, string method, List<Sample> samples) =>
        new(scenario, BenchTargets.Ceiling, "rows", method) { Samples = samples };

    /// <summary>The benchmark's rows as the API stores them, one CSV line each in the order of <see cref="CeilingSql.InsertColumns"/>.</summary>
    private async Task WriteRowsAsync(Stream stream, CancellationToken cancellationToken)
    {
        var known = BenchDataset.Iso(BenchDataset.KnownTime.UtcDateTime);
        var changedBy = context.ChangedBy;
        var lines = new Utf8ChunkWriter(stream);
        foreach (var row in context.Dataset.AllRows())
        {
            await lines.AdvanceAsync(CsvBenchFormat.Write(lines.Free, CultureInfo.InvariantCulture,
                $"{_runId},{_tenantId},{_seriesIds[row.Series]},{row.ValidTime:yyyy-MM-dd'T'HH:mm:ss'Z'},,{row.Value:R},{known},{changedBy},{known},t\n"), cancellationToken);
        }

        await lines.FlushAsync(cancellationToken);
    }
}
