namespace TimeDb.Cli.Bench;

/// <summary>
/// A wire format the benchmark uploads and reads (SPEC §11): how to write the dataset as an upload body, and
/// how to count the rows of a read's answer while it streams. A new format is one new subclass.
/// </summary>
internal abstract class BenchFormat(string name, string mediaType)
{
    public static IReadOnlyList<BenchFormat> All { get; } = [new JsonBenchFormat(), new CsvBenchFormat(), new ArrowBenchFormat()];

    /// <summary>The value of <c>format=</c> on a read, and the format's name in the report.</summary>
    public string Name => name;

    public string MediaType => mediaType;

    /// <summary>Where the upload goes: CSV and Arrow carry the run's fields as query parameters.</summary>
    public virtual Uri UploadUri => new($"/runs?{BenchDataset.RunQuery()}", UriKind.Relative);

    /// <summary>Writes every row of <paramref name="dataset"/> as one upload body, as a stream (never the whole body in memory).</summary>
    public abstract Task WriteUploadAsync(BenchDataset dataset, Stream body, CancellationToken cancellationToken);

    /// <summary>Reads a whole <c>GET /values</c> answer in this format as it arrives and returns how many rows it held.</summary>
    public abstract Task<long> CountRowsAsync(Stream answer, CancellationToken cancellationToken);

    public override string ToString() => name;
}
