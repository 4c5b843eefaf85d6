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

    public Sample Done(Sample sample, string unit)
    {
        ArgumentNullException.ThrowIfNull(sample);
        error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $": {_clock.Elapsed.TotalSeconds:F1} s, {sample.PerSecond:N0} {unit}/s"));
        return sample;
    }

    /// <summary>Ends a started line with why nothing was measured.</summary>
    public void Failed(string why) => error.WriteLine($": not available ({why})");

    public void Skip(string what, string why) => error.WriteLine($"- {what}: not available ({why})");

    public void Note(string text) => error.WriteLine(text);
}
