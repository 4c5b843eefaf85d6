using System.Diagnostics;

namespace TimeDb.Cli.Bench;

/// <summary>Closed-loop load: N workers each send a request, wait for the whole answer, and send the next.</summary>
internal static class LoadGenerator
{
    public sealed record Outcome(long Requests, long Errors, TimeSpan Elapsed, double P50Ms, double P99Ms);

    /// <summary>
    /// Runs <paramref name="workers"/> loops for <paramref name="duration"/> after a warm-up that is not
    /// counted. A request counts as an error unless it answers 200.
    /// </summary>
    public static async Task<Outcome> RunAsync(HttpClient client, Func<Random, Uri> nextRequest, int workers, TimeSpan warmUp,
        TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var loops = Enumerable.Range(0, workers)
            .Select(w => Task.Run(() => WorkerAsync(client, nextRequest, new Random(w), measureFrom, stopAt, cancellationToken), cancellationToken))
            .ToArray();
        var results = await Task.WhenAll(loops);

        var latencies = results.SelectMany(r => r.Latencies).Order().ToArray();
        var errors = results.Sum(r => r.Errors);
        return new Outcome(latencies.Length + errors, errors, Stopwatch.GetElapsedTime(measureFrom, stopAt), Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static async Task<(List<long> Latencies, long Errors)> WorkerAsync(HttpClient client, Func<Random, Uri> nextRequest,
        Random random, long measureFrom, long stopAt, CancellationToken cancellationToken)
    {
        var latencies = new List<long>(16_384);
        long errors = 0, end = 0;
        while (end < stopAt)
        {
            var uri = nextRequest(random);
            var begin = Stopwatch.GetTimestamp();
            bool ok;
            try
            {
                using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseContentRead, cancellationToken);
                ok = response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                ok = false;
            }

            end = Stopwatch.GetTimestamp();
            if (begin >= measureFrom && end <= stopAt)
            {
                if (ok)
                {
                    latencies.Add(end - begin);
                }
                else
                {
                    errors++;
                }
            }
        }

        return (latencies, errors);
    }

    private static double Percentile(long[] sortedTicks, double quantile)
    {
        if (sortedTicks.Length == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(quantile * sortedTicks.Length) - 1;
        return sortedTicks[Math.Clamp(index, 0, sortedTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
