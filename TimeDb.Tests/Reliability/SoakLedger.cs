namespace TimeDb.Tests.Reliability;

/// <summary>One stored record as the soak knows it: a run's value of one series at one hour of the valid-time window.</summary>
internal readonly record struct RecordKey(Guid RunId, string SeriesKey, int Hour);

/// <summary>A run one client uploaded: when it was known, which records it holds, how many versions they have.</summary>
internal sealed class LedgerRun(Guid runId, DateTimeOffset knownTime)
{
    public Guid RunId { get; } = runId;

    public DateTimeOffset KnownTime { get; } = knownTime;

    public List<(string SeriesKey, int Hour)> Records { get; } = [];

    /// <summary>Rows uploaded plus the new versions written by updates (what an all_versions read returns).</summary>
    public int Versions { get; set; }
}

/// <summary>
/// What one client wrote, kept only from answers that succeeded: its runs, the current value of every record,
/// and per (series, hour) its latest run. A client is the only writer of its own series and of its own runs'
/// records, so its flat and overlapping reads of them are fully predictable; series shared by the clients
/// of a tenant are predictable once the tenant's ledgers are merged (known times are unique).
/// </summary>
internal sealed class SoakLedger
{
    public Dictionary<Guid, LedgerRun> Runs { get; } = [];

    public List<LedgerRun> RunOrder { get; } = [];

    public Dictionary<RecordKey, double?> Values { get; } = [];

    public Dictionary<string, Guid> SeriesIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Per (series, hour): this client's run with the latest known time (its known times only grow).</summary>
    public Dictionary<(string SeriesKey, int Hour), LedgerRun> Latest { get; } = [];

    /// <summary>Per (series, hour): how many runs of this client hold a record there (overlapping count).</summary>
    public Dictionary<(string SeriesKey, int Hour), int> Revisions { get; } = [];

    public int Rows { get; private set; }

    public int UpdatedVersions { get; private set; }

    public void Uploaded(LedgerRun run, IEnumerable<(string SeriesKey, int Hour, double? Value)> rows)
    {
        Runs.Add(run.RunId, run);
        RunOrder.Add(run);
        foreach (var (key, hour, value) in rows)
        {
            run.Records.Add((key, hour));
            Values[new RecordKey(run.RunId, key, hour)] = value;
            Latest[(key, hour)] = run;
            Revisions[(key, hour)] = Revisions.GetValueOrDefault((key, hour)) + 1;
        }

        run.Versions = run.Records.Count;
        Rows += run.Records.Count;
    }

    public void Updated(LedgerRun run, IReadOnlyCollection<(string SeriesKey, int Hour, double? Value)> changed)
    {
        foreach (var (key, hour, value) in changed)
        {
            Values[new RecordKey(run.RunId, key, hour)] = value;
        }

        run.Versions += changed.Count;
        UpdatedVersions += changed.Count;
    }

    /// <summary>
    /// The flat read the ledgers predict: per (series, hour) the record of the run with the latest known time,
    /// restricted to <paramref name="include"/>.
    /// </summary>
    public static Dictionary<(string SeriesKey, int Hour), (Guid RunId, double? Value)> Flat(IEnumerable<SoakLedger> ledgers,
        Func<string, int, bool> include)
    {
        var latest = new Dictionary<(string, int), (LedgerRun Run, SoakLedger Ledger)>();
        foreach (var ledger in ledgers)
        {
            foreach (var ((key, hour), run) in ledger.Latest)
            {
                if (include(key, hour) && (!latest.TryGetValue((key, hour), out var seen) || run.KnownTime > seen.Run.KnownTime))
                {
                    latest[(key, hour)] = (run, ledger);
                }
            }
        }

        return latest.ToDictionary(e => e.Key, e => (e.Value.Run.RunId, e.Value.Ledger.Values[new RecordKey(e.Value.Run.RunId, e.Key.Item1, e.Key.Item2)]));
    }
}
