using System.Buffers;

namespace TimeDb.Cli.Bench;

/// <summary>
/// Collects UTF-8 text lines in one reused buffer and hands them to a stream in chunks of about 64 kB, so a body of
/// a million lines is produced as it is sent, without a string per line or the whole body in memory.
/// </summary>
internal sealed class Utf8ChunkWriter(Stream stream)
{
    private const int ChunkBytes = 64 * 1024;
    private const int MaxLineBytes = 1024;
    private readonly ArrayBufferWriter<byte> _buffer = new(ChunkBytes + MaxLineBytes);

    /// <summary>Room for one line (<c>Utf8.TryWrite</c> it, then <see cref="AdvanceAsync"/>).</summary>
    public Span<byte> Free => _buffer.GetSpan(MaxLineBytes);

    /// <summary>Takes <paramref name="written"/> bytes of <see cref="Free"/>; sends a chunk when one is full.</summary>
    public ValueTask AdvanceAsync(int written, CancellationToken cancellationToken)
    {
        _buffer.Advance(written);
        return _buffer.WrittenCount >= ChunkBytes ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        _buffer.ResetWrittenCount();
    }
}
