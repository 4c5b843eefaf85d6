using System.Diagnostics;

namespace TimeDb.Cli.Bench;

/// <summary>
/// Passes reads and writes through to another stream, counting the bytes and the time spent inside the other
/// stream. Around a response it tells how much of a read the client spent on its own work (total minus waiting);
/// around <see cref="Stream.Null"/> it measures how fast the client produces a body when nothing waits.
/// </summary>
internal sealed class MeteredStream(Stream inner) : Stream
{
    private long _waitingTicks;

    public long Bytes { get; private set; }

    public TimeSpan Waiting => Stopwatch.GetElapsedTime(0, _waitingTicks);

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Count(start, read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var start = Stopwatch.GetTimestamp();
        var read = inner.Read(buffer);
        Count(start, read);
        return read;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        await inner.WriteAsync(buffer, cancellationToken);
        Count(start, buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var start = Stopwatch.GetTimestamp();
        inner.Write(buffer);
        Count(start, buffer.Length);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Count(long start, int bytes)
    {
        _waitingTicks += Stopwatch.GetTimestamp() - start;
        Bytes += bytes;
    }
}
