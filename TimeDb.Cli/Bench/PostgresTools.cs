using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using TimeDb.Infrastructure.Benchmarks;

namespace TimeDb.Cli.Bench;

/// <summary>What pgbench did: transactions per second (without connection time) and latencies from its per-transaction log.</summary>
internal sealed record PgBenchOutcome(long Transactions, double Tps, long Failed, double? P50Ms, double? P99Ms);

/// <summary>
/// PostgreSQL's own client tools, found on PATH and connected through the libpq environment (never the command
/// line): psql for the COPY ceilings, pgbench for the small-read ceiling.
/// </summary>
internal sealed partial class PostgresTools(IReadOnlyDictionary<string, string> environment)
{
    public string? Psql { get; } = FindOnPath("psql");

    public string? PgBench { get; } = FindOnPath("pgbench");

    /// <summary>
    /// Runs one <c>\copy</c> in psql with <c>\timing</c> on, feeding its stdin from <paramref name="input"/> (for
    /// <c>FROM pstdin</c>); returns the rows of psql's <c>COPY n</c> and psql's own time for the command.
    /// </summary>
    public async Task<CopyMeasurement> CopyAsync(string copy, Func<Stream, CancellationToken, Task>? input, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var output = await RunAsync(Psql!, ["-X", "-v", "ON_ERROR_STOP=1", "-c", @"\timing on", "-c", copy], input, cancellationToken);
        var wall = clock.Elapsed;
        var rows = CopyCount().Match(output);
        var time = Timing().Match(output);
        return new CopyMeasurement(
            rows.Success ? long.Parse(rows.Groups[1].Value, CultureInfo.InvariantCulture) : throw new CliException($"psql did not report a COPY count: {output}"),
            0,
            time.Success ? TimeSpan.FromMilliseconds(double.Parse(time.Groups[1].Value, CultureInfo.InvariantCulture)) : wall);
    }

    /// <summary>Runs <paramref name="script"/> in pgbench (<c>-n -c clients -j threads -T seconds</c>, per-transaction log).</summary>
    public async Task<PgBenchOutcome> PgBenchAsync(string script, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("timedb-bench-");
        try
        {
            var file = Path.Combine(directory.FullName, "small-read.sql");
            await File.WriteAllTextAsync(file, script, cancellationToken);
            var threads = Math.Min(2, clients);
            var output = await RunAsync(PgBench!,
                ["-n", "-c", Text(clients), "-j", Text(threads), "-T", Text((int)Math.Ceiling(duration.TotalSeconds)), "-f", file,
                 "--log", $"--log-prefix={Path.Combine(directory.FullName, "log")}"],
                input: null, cancellationToken);
            var tps = Tps().Match(output);
            var processed = Processed().Match(output);
            var failed = Failed().Match(output);
            if (!tps.Success || !processed.Success)
            {
                throw new CliException($"pgbench did not report its tps: {output}");
            }

            var latencies = LogLatenciesMs(directory);
            return new PgBenchOutcome(
                long.Parse(processed.Groups[1].Value, CultureInfo.InvariantCulture),
                double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
                failed.Success ? long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
                Percentile(latencies, 0.50),
                Percentile(latencies, 0.99));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private async Task<string> RunAsync(string tool, string[] args, Func<Stream, CancellationToken, Task>? input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["LC_ALL"] = "C"; // a decimal point in "Time: 12.345 ms", whatever the user's locale
        using var process = Process.Start(start) ?? throw new CliException($"could not start {tool}");
        using var kill = cancellationToken.Register(() =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited already.
            }
        });
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        if (input is not null)
        {
            try
            {
                await using var stdin = process.StandardInput.BaseStream;
                await input(stdin, cancellationToken);
            }
            catch (IOException)
            {
                // The tool stopped reading (it failed): its exit code and stderr say why.
            }
        }

        await process.WaitForExitAsync(cancellationToken);
        var (text, problem) = (await output, await error);
        return process.ExitCode == 0
            ? text
            : throw new CliException($"{Path.GetFileName(tool)} failed ({process.ExitCode}): {problem.Trim()}");
    }

    /// <summary>The latency column (microseconds) of pgbench's per-transaction log files, in milliseconds, sorted.</summary>
    private static double[] LogLatenciesMs(DirectoryInfo directory) =>
        directory.EnumerateFiles("log*")
            .SelectMany(f => File.ReadLines(f.FullName))
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 2 && long.TryParse(fields[2], CultureInfo.InvariantCulture, out _))
            .Select(fields => long.Parse(fields[2], CultureInfo.InvariantCulture) / 1000.0)
            .Order()
            .ToArray();

    private static double? Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^COPY (\d+)", RegexOptions.Multiline)]
    private static partial Regex CopyCount();

    [GeneratedRegex(@"^Time: ([0-9.]+) ms", RegexOptions.Multiline)]
    private static partial Regex Timing();

    [GeneratedRegex(@"^tps = ([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex Tps();

    [GeneratedRegex(@"^number of transactions actually processed: (\d+)", RegexOptions.Multiline)]
    private static partial Regex Processed();

    [GeneratedRegex(@"^number of failed transactions: (\d+)", RegexOptions.Multiline)]
    private static partial Regex Failed();
}
