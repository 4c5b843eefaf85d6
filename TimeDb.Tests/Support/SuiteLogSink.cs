using System.Collections.Concurrent;
using System.Globalization;
using Serilog.Core;
using Serilog.Events;

namespace TimeDb.Tests.Support;

/// <summary>
/// Every log event of every in-memory API of the test run (ApiFactory registers it), rendered with its
/// properties and exception. TestEnvironment checks it at the end of the run for secrets (LogSafetyTests
/// checks one real process in detail).
/// </summary>
internal sealed class SuiteLogSink : ILogEventSink
{
    public static SuiteLogSink Instance { get; } = new();

    private readonly ConcurrentQueue<string> _events = new();

    public int Count => _events.Count;

    public IEnumerable<string> Events => _events;

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        logEvent.RenderMessage(text, CultureInfo.InvariantCulture);
        foreach (var (name, value) in logEvent.Properties)
        {
            text.Write($" {name}={value}");
        }

        text.Write(logEvent.Exception?.ToString());
        _events.Enqueue(text.ToString());
    }
}
