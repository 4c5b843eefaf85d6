namespace TimeDb.Cli.Bench;

/// <summary>What <c>timedb bench</c> was asked to do.</summary>
internal sealed record BenchSettings(
    Uri? Url,
    string? Key,
    string? Dsn,
    int Rows,
    int Series,
    int Concurrency,
    TimeSpan LoadDuration,
    int UpdateBatches,
    int UpdateBatchSize,
    int Repeat,
    bool Json);
