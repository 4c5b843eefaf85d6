using System.Diagnostics;
using System.Globalization;

namespace TimeDb.Cli.Bench;

/// <summary>Tells the person waiting what the benchmark is doing (on stderr, so stdout stays the report).</summary>
internal sealed class BenchProgress(TextWriter error)
{
    private readonly Stopwatch _clock = new();

    public void Start(string what)
    {
        error.Write($"… {what}");
        error.Flush();
        _clock.Restart();
    }

    public BenchResult Done(BenchResult result, List<BenchResult> results)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(results);
        results.Add(result);
        error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $": {_clock.Elapsed.TotalSeconds:F1} s, {result.PerSecond:N0} {result.Unit}/s"));
        return result;
    }

    public void Skip(string what, string why) => error.WriteLine($"- {what}: skipped ({why})");

    public void Note(string text) => error.WriteLine(text);
}
