namespace TimeDb.Api.Uploads;

/// <summary>
/// Bounds what System.Text.Json holds of one JSON value. Its streaming deserializer reads rows and objects piece by
/// piece, but a string, a skipped unknown property or run_params (a JsonElement) is read whole: it grows its read
/// buffer (doubling) until the value fits, so a 500 MB string would be held two or three times over (measured: a
/// 100 MB value_key +335 MB, a 150 MB run_params +924 MB). The serializer asks this stream for at most the free part
/// of its buffer; its buffers are powers of two and grow only when one unfinished value fills them, so a request of
/// <see cref="MaxValueBytes"/> or more means it is about to hold a value larger than that: such a read is refused
/// (ADR-020), and the buffer never exceeds <see cref="MaxValueBytes"/>. No valid upload holds a value near this size (run_params ≤ 64 kB).
/// </summary>
internal sealed class JsonValueSizeGuard(Stream inner) : Stream
{
    /// <summary>Larger than any valid value, and than the 8 MB run_params a test sends to see it refused by name.</summary>
    public const int MaxValueBytes = 16 * 1024 * 1024;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        buffer.Length >= MaxValueBytes ? throw new JsonValueTooLargeException() : inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        count >= MaxValueBytes ? throw new JsonValueTooLargeException() : inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>One JSON value of an upload is larger than <see cref="JsonValueSizeGuard.MaxValueBytes"/>.</summary>
internal sealed class JsonValueTooLargeException() : Exception("A JSON value of the upload is larger than any valid one.");
