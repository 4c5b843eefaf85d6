using TimeDb.Infrastructure.Benchmarks;

namespace TimeDb.Cli.Bench;

/// <summary>
/// What every scenario of one benchmark run shares: the settings, the client and server, the dataset, the
/// database (null when only a URL and key were given) and what the uploads created.
/// </summary>
internal sealed class BenchContext(
    BenchSettings settings,
    HttpClient client,
    BenchServer server,
    BenchmarkDatabase? database,
    Guid? tenantId,
    string? userEmail,
    BenchProgress progress)
{
    public BenchSettings Settings => settings;

    public HttpClient Client => client;

    public BenchServer Server => server;

    public BenchmarkDatabase? Database => database;

    public BenchProgress Progress => progress;

    public BenchDataset Dataset { get; } = new(settings.Rows, settings.Series, Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The benchmark's tenant: the throwaway one, or (with a key) learnt from the first upload.</summary>
    public Guid? TenantId { get; set; } = tenantId;

    /// <summary>Who the API writes as <c>changed_by</c> (the ceilings' rows carry the same text).</summary>
    public string ChangedBy => userEmail ?? "bench@timedb.invalid";

    /// <summary>The runs the uploads created and did not delete (what the clean-up deletes outside a throwaway tenant).</summary>
    public List<Guid> RunIds { get; } = [];

    public Dictionary<string, Guid> SeriesIds { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<Guid> SeriesIdList => Dataset.SeriesKeys.Select(k => SeriesIds[k]).ToList();
}
