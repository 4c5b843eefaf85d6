using System.IO.Pipelines;
using System.Text.Json;
using TimeDb.Api.Json;

namespace TimeDb.Api.Streaming;

/// <summary>
/// A JSON writer over a response body that holds at most <see cref="FlushAfterBytes"/> (plus the value being
/// written) before it sends them (SPEC §9): streamed answers flush by bytes, whatever the width of their rows.
/// The writer hands full buffers to the pipe by itself (<see cref="Utf8JsonWriter.BytesCommitted"/>) and keeps
/// the rest (<see cref="Utf8JsonWriter.BytesPending"/>); both stay in memory until the pipe is flushed, so both
/// count. Each flush waits for the client to take the data (back-pressure), so a slow reader costs no more.
/// </summary>
internal sealed class BoundedJsonStream(PipeWriter body, int flushAfterBytes = BoundedJsonStream.DefaultFlushAfterBytes) : IAsyncDisposable
{
    public const int DefaultFlushAfterBytes = 64 * 1024;

    private long _flushed;

    public int FlushAfterBytes { get; } = flushAfterBytes;

    public Utf8JsonWriter Json { get; } = new(body, new JsonWriterOptions { SkipValidation = true, Encoder = JsonEncoding.Encoder });

    /// <summary>Bytes written but not yet sent to the client.</summary>
    public long Held => Json.BytesCommitted + Json.BytesPending - _flushed;

    /// <summary>Sends what is held once it reaches <see cref="FlushAfterBytes"/>; call after each row.</summary>
    public ValueTask FlushIfFullAsync(CancellationToken cancellationToken) =>
        Held >= FlushAfterBytes ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Sends everything written so far.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await Json.FlushAsync(cancellationToken);
        await body.FlushAsync(cancellationToken);
        _flushed = Json.BytesCommitted;
    }

    public ValueTask DisposeAsync() => Json.DisposeAsync();
}
