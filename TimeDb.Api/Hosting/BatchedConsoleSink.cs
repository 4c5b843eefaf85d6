using System.Text;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace TimeDb.Api.Hosting;

/// <summary>
/// Writes log events to standard output in batches, behind Serilog's own batching sink: a request only queues
/// its event (no lock on the console, no thread woken to write one line), and the queue is written about ten
/// times a second in one write each, whatever the request rate. One event per request (the request log) at
/// thousands of requests a second would otherwise cost a system call and a thread wake-up each.
/// </summary>
internal sealed class BatchedConsoleSink(ITextFormatter formatter) : IBatchedLogEventSink, IDisposable
{
    /// <summary>
    /// Written at most every 100 ms, so a line is in the log 0.1 s after its request at the latest. Beyond 10,000
    /// queued events (a stalled reader of the pipe) new events are dropped, never waited for.
    /// </summary>
    public static BatchingOptions Options { get; } = new()
    {
        BatchSizeLimit = 1_000,
        BufferingTimeLimit = TimeSpan.FromMilliseconds(100),
        EagerlyEmitFirstEvent = true,
        QueueLimit = 10_000,
    };

    // Not Console.Out: it writes in pieces of 256 characters, one system call each.
    private readonly Stream _output = Console.OpenStandardOutput();

    public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var logEvent in batch)
        {
            formatter.Format(logEvent, text);
        }

        _output.Write(Encoding.UTF8.GetBytes(text.ToString()));
        _output.Flush();
        return Task.CompletedTask;
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    public void Dispose() => _output.Dispose();
}
