using System.Globalization;
using System.Text;

namespace TimeDb.Tests.Reliability;

/// <summary>
/// Every request of one client: status counts and latencies per kind, transport errors, and the first few
/// surprises (unexpected statuses, wrong data) with enough detail to chase them. Merged at the end.
/// </summary>
internal sealed class RequestLog
{
    private const int KeptMessages = 20;

    public SortedDictionary<string, KindStats> Kinds { get; } = new(StringComparer.Ordinal);

    public long UnexpectedStatuses { get; private set; }

    public long TransportErrors { get; private set; }

    /// <summary>Reads or answers that disagree with the ledger, or show another tenant's data.</summary>
    public long DataProblems { get; private set; }

    public List<string> Messages { get; } = [];

    public void Record(string kind, int status, TimeSpan latency)
    {
        var stats = Of(kind);
        stats.Statuses[status] = stats.Statuses.GetValueOrDefault(status) + 1;
        stats.LatenciesMs.Add(latency.TotalMilliseconds);
    }

    public void Unexpected(string kind, int status, string body)
    {
        UnexpectedStatuses++;
        Keep($"{kind}: status {status}: {(body.Length > 300 ? body[..300] + "…" : body)}");
    }

    public void Transport(string kind, Exception error)
    {
        TransportErrors++;
        Of(kind).TransportErrors++;
        Keep($"{kind}: {error.GetType().Name}: {error.Message}");
    }

    public void Problems(string kind, IReadOnlyCollection<string> problems)
    {
        if (problems.Count == 0)
        {
            return;
        }

        DataProblems += problems.Count;
        foreach (var problem in problems.Take(3))
        {
            Keep($"{kind}: {problem}");
        }
    }

    public static RequestLog Merge(IEnumerable<RequestLog> logs)
    {
        var all = new RequestLog();
        foreach (var log in logs)
        {
            foreach (var (kind, stats) in log.Kinds)
            {
                var into = all.Of(kind);
                foreach (var (status, count) in stats.Statuses)
                {
                    into.Statuses[status] = into.Statuses.GetValueOrDefault(status) + count;
                }

                into.LatenciesMs.AddRange(stats.LatenciesMs);
                into.TransportErrors += stats.TransportErrors;
            }

            all.UnexpectedStatuses += log.UnexpectedStatuses;
            all.TransportErrors += log.TransportErrors;
            all.DataProblems += log.DataProblems;
            foreach (var message in log.Messages)
            {
                all.Keep(message);
            }
        }

        return all;
    }

    public long Total => Kinds.Values.Sum(k => k.Count + k.TransportErrors);

    public long CountWhere(Func<int, bool> status) => Kinds.Values.Sum(k => k.Statuses.Where(s => status(s.Key)).Sum(s => s.Value));

    /// <summary>A table: kind, requests, statuses, p50, p99.</summary>
    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"kind",-24} {"requests",9} {"p50 ms",8} {"p99 ms",8}  statuses");
        foreach (var (kind, stats) in Kinds.Append(new KeyValuePair<string, KindStats>("all", Merged())))
        {
            var statuses = string.Join(", ", stats.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"));
            if (stats.TransportErrors > 0)
            {
                statuses += $", transport errors×{stats.TransportErrors}";
            }

            text.AppendLine(CultureInfo.InvariantCulture,
                $"{kind,-24} {stats.Count + stats.TransportErrors,9} {stats.Percentile(0.50),8:F1} {stats.Percentile(0.99),8:F1}  {statuses}");
        }

        return text.ToString();
    }

    private KindStats Merged()
    {
        var merged = new KindStats();
        foreach (var stats in Kinds.Values)
        {
            foreach (var (status, count) in stats.Statuses)
            {
                merged.Statuses[status] = merged.Statuses.GetValueOrDefault(status) + count;
            }

            merged.LatenciesMs.AddRange(stats.LatenciesMs);
            merged.TransportErrors += stats.TransportErrors;
        }

        return merged;
    }

    private KindStats Of(string kind)
    {
        if (!Kinds.TryGetValue(kind, out var stats))
        {
            stats = new KindStats();
            Kinds[kind] = stats;
        }

        return stats;
    }

    private void Keep(string message)
    {
        if (Messages.Count < KeptMessages)
        {
            Messages.Add(message);
        }
    }

    internal sealed class KindStats
    {
        public SortedDictionary<int, long> Statuses { get; } = [];

        public List<double> LatenciesMs { get; } = [];

        public long TransportErrors { get; set; }

        public long Count => Statuses.Values.Sum();

        public double Percentile(double quantile)
        {
            if (LatenciesMs.Count == 0)
            {
                return double.NaN;
            }

            var sorted = LatenciesMs.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }
}
