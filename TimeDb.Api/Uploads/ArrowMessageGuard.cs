using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace TimeDb.Api.Uploads;

/// <summary>
/// Watches an Arrow IPC stream on its way into <c>ArrowStreamReader</c>, which trusts the sizes a message declares:
/// eight bytes that declare a 2 GB message make it rent a 2 GB buffer, and a declared body is allocated and zeroed
/// whole before a byte of it arrives (a CSV body sent as Arrow reads as a 1.7 GB message). This guard reads only the
/// framing (the continuation marker, the metadata length, and the body length in the message's flatbuffer) and
/// refuses a message over <see cref="MaxMessageBytes"/> before the reader sees its length, so an upload holds one
/// bounded batch at a time. It also tells whether the stream ended with its end-of-stream marker: the reader takes a
/// stream cut at a message boundary for a whole one (ADR-021-output-formats). The bytes pass through unchanged.
/// </summary>
internal sealed class ArrowMessageGuard(Stream inner) : Stream
{
    /// <summary>Largest record batch (message body) an upload may hold: 1M rows of valid_time, value_key and value take ~30 MB.</summary>
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    /// <summary>Largest message metadata (the flatbuffer describing a schema or batch); real ones take a few kB.</summary>
    public const int MaxMetadataBytes = 1024 * 1024;

    private const int Continuation = -1;

    private enum Part
    {
        Prefix,
        Metadata,
        Body,
        Ended,
    }

    private readonly byte[] _prefix = new byte[8];
    private Part _part = Part.Prefix;
    private int _prefixLength;
    private byte[]? _metadata;
    private int _metadataLength;
    private int _metadataRead;
    private long _bodyLeft;

    /// <summary>Whether the stream's end-of-stream marker (a zero metadata length) has passed.</summary>
    public bool EndedWithMarker => _part == Part.Ended;

    /// <summary>Whether <paramref name="exception"/> says the stream was not a valid Arrow IPC stream (a 400), not a failure of the server or the connection.</summary>
    /// <remarks>
    /// The framework exceptions listed are what Apache.Arrow's reader throws for bytes it cannot decode. Besides them,
    /// anything the library's own code throws is the sender's input: it also refuses, with an exception type of its
    /// own choosing, features an upload does not take, such as a record batch compressed with LZ4 or ZSTD (no codec
    /// is configured: the 400 asks for an uncompressed stream). I/O failures and cancellation are never bad input.
    /// </remarks>
    public static bool IsMalformedStream(Exception exception) => exception switch
    {
        IOException or OperationCanceledException => false,
        InvalidDataException or InvalidOperationException or ArgumentException or IndexOutOfRangeException
            or OverflowException or NotSupportedException or FormatException => true,
        _ => ThrownByArrowLibrary(exception),
    };

    private static bool ThrownByArrowLibrary(Exception exception) =>
        exception.TargetSite?.DeclaringType?.Assembly == typeof(Apache.Arrow.Ipc.ArrowStreamReader).Assembly;

    /// <summary>What a 400 says about a stream the reader could not read.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        InvalidDataException e => e.Message,
        InvalidOperationException e when e.Message.Contains("end of the stream", StringComparison.Ordinal) =>
            "The Arrow stream was cut short: it ends inside a message. Nothing was stored.",
        _ => $"The body is not a valid Arrow IPC stream ({exception.Message.TrimEnd('.')}). Send the IPC stream format (pyarrow.ipc.new_stream), not the file format, uncompressed.",
    };

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_part == Part.Ended)
        {
            return 0; // nothing after the marker is read (the pipeline drains the rest for the hash)
        }

        var read = await inner.ReadAsync(buffer, cancellationToken);
        Watch(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Upload bodies are read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _metadata is not null)
        {
            ArrayPool<byte>.Shared.Return(_metadata);
            _metadata = null;
        }

        base.Dispose(disposing);
    }

    private void Watch(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty && _part != Part.Ended)
        {
            switch (_part)
            {
                case Part.Prefix:
                    bytes = TakePrefix(bytes);
                    break;
                case Part.Metadata:
                    var take = Math.Min(bytes.Length, _metadataLength - _metadataRead);
                    bytes[..take].CopyTo(_metadata!.AsSpan(_metadataRead));
                    _metadataRead += take;
                    bytes = bytes[take..];
                    if (_metadataRead == _metadataLength)
                    {
                        _bodyLeft = BodyLength(_metadata.AsSpan(0, _metadataLength));
                        _part = _bodyLeft > 0 ? Part.Body : Part.Prefix;
                    }

                    break;
                case Part.Body:
                    var skip = (int)Math.Min(bytes.Length, _bodyLeft);
                    _bodyLeft -= skip;
                    bytes = bytes[skip..];
                    if (_bodyLeft == 0)
                    {
                        _part = Part.Prefix;
                    }

                    break;
            }
        }
    }

    /// <summary>The continuation marker and the metadata length (in the format before Arrow 0.15, the length alone).</summary>
    private ReadOnlySpan<byte> TakePrefix(ReadOnlySpan<byte> bytes)
    {
        var continued = _prefixLength >= 4 && BinaryPrimitives.ReadInt32LittleEndian(_prefix) == Continuation;
        var needed = continued ? 8 : 4;
        var take = Math.Min(bytes.Length, needed - _prefixLength);
        bytes[..take].CopyTo(_prefix.AsSpan(_prefixLength));
        _prefixLength += take;
        bytes = bytes[take..];
        if (_prefixLength < needed || (!continued && BinaryPrimitives.ReadInt32LittleEndian(_prefix) == Continuation))
        {
            return bytes; // more of the prefix to come
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(_prefix.AsSpan(needed - 4));
        _prefixLength = 0;
        if (length == 0)
        {
            _part = Part.Ended;
            return [];
        }

        if (length is < 0 or > MaxMetadataBytes)
        {
            throw new InvalidDataException(
                "The body is not an Arrow IPC stream: it does not continue with an Arrow message (send the IPC stream format, e.g. pyarrow.ipc.new_stream).");
        }

        if (_metadata is null || _metadata.Length < length)
        {
            if (_metadata is not null)
            {
                ArrayPool<byte>.Shared.Return(_metadata);
            }

            _metadata = ArrayPool<byte>.Shared.Rent(length);
        }

        _metadataLength = length;
        _metadataRead = 0;
        _part = Part.Metadata;
        return bytes;
    }

    /// <summary>Message.bodyLength (field 3 of the flatbuffer table; absent = 0), refused when over <see cref="MaxMessageBytes"/>.</summary>
    private static long BodyLength(ReadOnlySpan<byte> message)
    {
        const int bodyLengthField = 3;
        try
        {
            var table = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(message));
            var vtable = checked(table - BinaryPrimitives.ReadInt32LittleEndian(message[table..]));
            var vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(message[vtable..]);
            var entry = 4 + (2 * bodyLengthField);
            var offset = entry + 2 <= vtableSize ? BinaryPrimitives.ReadUInt16LittleEndian(message[(vtable + entry)..]) : 0;
            var length = offset == 0 ? 0 : BinaryPrimitives.ReadInt64LittleEndian(message[(table + offset)..]);
            if (length is < 0 or > MaxMessageBytes)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"An Arrow record batch of {length:N0} bytes is larger than the {MaxMessageBytes / (1024 * 1024)} MiB an upload takes in one batch: write smaller batches (pyarrow: writer.write_table(table, max_chunksize=100_000))."));
            }

            return length;
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException("The body is not an Arrow IPC stream: a message's metadata cannot be read.", ex);
        }
    }
}
