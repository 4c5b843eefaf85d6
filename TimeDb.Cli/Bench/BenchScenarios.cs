namespace TimeDb.Cli.Bench;

/// <summary>What one benchmark run measured: PostgreSQL's physical ceilings, and the API's figures beside them.</summary>
internal sealed record BenchResults(IReadOnlyList<BenchFigure> Ceilings, IReadOnlyList<BenchFigure> Figures);

/// <summary>
/// The measurements, in order: the physical ceilings (scratch table, dropped after), the upload the reads use, the
/// reads in every format, the small reads beside pgbench, the versioned updates, and last the other uploads (each
/// deleted once measured).
/// </summary>
internal sealed class BenchScenarios(BenchContext context, PostgresTools? tools)
{
    public async Task<BenchResults> RunAsync(CancellationToken cancellationToken)
    {
        var ceilings = context.Database is { } database && tools is not null
            ? await new Ceilings(context, database, tools).MeasureAsync(cancellationToken)
            : NoCeilings();
        var uploads = new UploadScenarios(context);
        await uploads.MeasureClientAsync(cancellationToken);
        await uploads.UploadKeptAsync(cancellationToken);
        var reads = await new ReadScenarios(context).MeasureAsync(ceilings.FlatRead, ceilings.PlainRead, cancellationToken);
        var (smallReads, smallReadCeiling) = await new SmallReadScenario(context, tools).MeasureAsync(cancellationToken);
        var updates = await new UpdateScenario(context).MeasureAsync(cancellationToken);
        await uploads.UploadRestAsync(cancellationToken);
        return new BenchResults(
            [ceilings.Ingest, ceilings.FlatRead, ceilings.PlainRead, smallReadCeiling],
            [.. uploads.Figures(ceilings.Ingest), .. reads, smallReads, updates]);
    }

    private CeilingFigures NoCeilings()
    {
        const string Why = "needs a database (--dsn)";
        context.Progress.Skip("the physical ceilings", Why);
        return new CeilingFigures(
            BenchFigure.Unavailable(BenchTargets.Ingest, BenchTargets.Ceiling, "rows", "psql \\copy", Why),
            BenchFigure.Unavailable(BenchTargets.FlatRead, BenchTargets.Ceiling, "rows", "psql \\copy", Why),
            BenchFigure.Unavailable(BenchTargets.OverlappingRead, BenchTargets.Ceiling, "rows", "psql \\copy", Why));
    }
}
