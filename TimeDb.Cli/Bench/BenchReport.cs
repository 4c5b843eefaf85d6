using System.Globalization;

namespace TimeDb.Cli.Bench;

/// <summary>Prints the results: an aligned table for people, JSON for scripts.</summary>
internal static class BenchReport
{
    public static Task PrintAsync(CliConsole console, BenchSettings settings, string target, IReadOnlyList<BenchResult> results) =>
        settings.Json ? JsonAsync(console, settings, target, results) : TableAsync(console, settings, target, results);

    private static Task JsonAsync(CliConsole console, BenchSettings settings, string target, IReadOnlyList<BenchResult> results) =>
        CliOutput.JsonAsync(console, new
        {
            Target = target,
            settings.Rows,
            settings.Series,
            settings.Concurrency,
            LoadSeconds = settings.LoadDuration.TotalSeconds,
            Results = results.Select(r => new
            {
                r.Name,
                r.Unit,
                r.Count,
                Seconds = Math.Round(r.Elapsed.TotalSeconds, 3),
                PerSecond = Math.Round(r.PerSecond, 1),
                r.Errors,
                P50Ms = Round(r.P50Ms),
                P99Ms = Round(r.P99Ms),
                ServerPeakMb = Round(r.ServerPeakMb),
                ServerGrowthMb = Round(r.ServerGrowthMb),
                r.CeilingName,
                CeilingPerSecond = Round(r.CeilingPerSecond),
                RatioToCeiling = r.RatioToCeiling is { } ratio ? Math.Round(ratio, 3) : (double?)null,
            }),
        });

    private static async Task TableAsync(CliConsole console, BenchSettings settings, string target, IReadOnlyList<BenchResult> results)
    {
        await console.Out.WriteLineAsync($"TimeDB bench: {target}; {settings.Rows:N0} rows in {settings.Series} series; {settings.Concurrency} connections for the small reads");
        await CliOutput.TableAsync(console,
            ["benchmark", "count", "seconds", "rate", "p50 ms", "p99 ms", "errors", "server MB peak (+growth)", "vs ceiling"],
            results.Select(r => new[]
            {
                r.Name,
                r.Count.ToString("N0", CultureInfo.InvariantCulture),
                r.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture),
                $"{r.PerSecond.ToString("N0", CultureInfo.InvariantCulture)} {r.Unit}/s",
                Format(r.P50Ms, "F2"),
                Format(r.P99Ms, "F2"),
                r.Errors.ToString(CultureInfo.InvariantCulture),
                r.ServerPeakMb is { } peak ? $"{peak:F0} (+{r.ServerGrowthMb:F0})" : "-",
                r.RatioToCeiling is { } ratio ? $"{ratio:P0} of {r.CeilingName}" : "-",
            }));
    }

    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;
}
