using System.Globalization;

namespace TimeDb.Cli.Bench;

/// <summary>Prints the results: aligned tables for people, JSON (every figure with its ceiling, ratio and targets) for scripts.</summary>
internal static class BenchReport
{
    public static Task PrintAsync(CliConsole console, BenchSettings settings, string target, BenchResults results) =>
        settings.Json ? JsonAsync(console, settings, target, results) : TableAsync(console, settings, target, results);

    private static Task JsonAsync(CliConsole console, BenchSettings settings, string target, BenchResults results) =>
        CliOutput.JsonAsync(console, new
        {
            Target = target,
            settings.Rows,
            settings.Series,
            settings.Concurrency,
            LoadSeconds = settings.LoadDuration.TotalSeconds,
            settings.Repeat,
            ClientPeakMb = ClientPeakMb(),
            Ceilings = results.Ceilings.Select(Describe),
            Figures = results.Figures.Select(Describe),
        });

    private static object Describe(BenchFigure f) => new
    {
        f.Scenario,
        f.Format,
        f.Method,
        f.Unit,
        Status = f.NotAvailable is null ? "ok" : "not available",
        f.NotAvailable,
        Count = f.Samples.Count > 0 ? f.Samples[0].Count : (long?)null,
        MedianPerSecond = Round(f.Median, 1),
        RunsPerSecond = f.Samples.Select(s => Math.Round(s.PerSecond, 1)),
        Ceiling = f.Ceiling is { } c ? new { c.Method, PerSecond = Round(c.Median, 1), Status = c.NotAvailable is null ? "ok" : "not available", c.NotAvailable } : null,
        Ratio = Round(f.Ratio, 3),
        TargetRatio = BenchTargets.Ratio(f.Scenario, f.Format),
        Targets = f.Ceiling is null ? null : BenchTargets.Check(f).Select(t => new { Target = t.Text, t.Met }),
        P50Ms = Round(f.P50Ms, 2),
        P99Ms = Round(f.P99Ms, 2),
        Errors = f.Samples.Count > 0 ? f.Errors : (long?)null,
        ServerGrowthMb = Round(f.ServerGrowthMb, 1),
        ServerPeakMb = Round(f.ServerPeakMb, 1),
        f.Bytes,
        Client = f.Client is { } client
            ? new { MbPerSecond = Math.Round(client.MbPerSecond, 1), RowsPerSecond = Math.Round(client.RowsPerSecond), client.How }
            : null,
    };

    private static async Task TableAsync(CliConsole console, BenchSettings settings, string target, BenchResults results)
    {
        await console.Out.WriteLineAsync(
            $"TimeDB bench: {target}; {settings.Rows:N0} rows in {settings.Series} series; {settings.Concurrency} connections for the small reads; " +
            (settings.Repeat > 1 ? $"medians of {settings.Repeat} runs" : "one run"));
        await console.Out.WriteLineAsync();
        await console.Out.WriteLineAsync("PostgreSQL's physical ceilings (the same rows, nothing of TimeDB in the way):");
        await CliOutput.TableAsync(console, ["scenario", "ceiling", "median", "runs"], results.Ceilings.Select(c => new[]
        {
            c.Scenario, c.Method, Rate(c), c.NotAvailable ?? string.Join(", ", c.Samples.Select(s => Number(s.PerSecond))),
        }));
        await console.Out.WriteLineAsync();
        var notes = new List<string>();
        string Unavailable(BenchFigure f, string why)
        {
            notes.Add($"[{notes.Count + 1}] {f.Scenario}, {f.Format}: {why}");
            return $"not available [{notes.Count}]";
        }

        await CliOutput.TableAsync(console, ["scenario", "format", "API", "ceiling", "ratio", "targets", "API memory", "client alone"],
            results.Figures.Select(f => new[]
            {
                f.Scenario,
                f.Format,
                f.NotAvailable is { } why ? Unavailable(f, why) : Rate(f) + Latency(f),
                f.Ceiling is { } c ? Rate(c) : "-",
                f.Ratio is { } ratio ? ratio.ToString("F2", CultureInfo.InvariantCulture) : "-",
                f.Ceiling is null ? "-" : string.Join("; ", BenchTargets.Check(f).Select(t => $"{t.Text}: {(t.Met switch { true => "yes", false => "NO", null => "-" })}")),
                f.ServerGrowthMb is { } growth ? string.Create(CultureInfo.InvariantCulture, $"+{growth:F0} MB (peak {f.ServerPeakMb:F0})") : "-",
                f.Client is { } client ? string.Create(CultureInfo.InvariantCulture, $"{client.MbPerSecond:N0} MB/s") : "-",
            }).ToList());
        foreach (var note in notes)
        {
            await console.Out.WriteLineAsync(note);
        }

        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"client alone: how fast the benchmark itself produces an upload body (into a null sink) or consumes an answer (outside the socket's reads); its own peak memory {ClientPeakMb():F0} MB."));
    }

    /// <summary>The benchmark process's own peak resident memory (VmHWM): the bodies stream, so it stays far below a body's size.</summary>
    private static double ClientPeakMb()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return Math.Round(self.PeakWorkingSet64 / 1024.0 / 1024.0, 1);
    }

    private static string Rate(BenchFigure f) => f.Median is { } median ? $"{Number(median)} {f.Unit}/s" : f.NotAvailable is null ? "-" : "not available";

    private static string Latency(BenchFigure f) => f.P99Ms is { } p99
        ? string.Create(CultureInfo.InvariantCulture, $", p50 {f.P50Ms:F1} ms, p99 {p99:F1} ms{(f.Errors > 0 ? $", {f.Errors} errors" : "")}")
        : "";

    private static string Number(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;
}
