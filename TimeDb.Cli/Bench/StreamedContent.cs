using System.Net;
using System.Net.Http.Headers;

namespace TimeDb.Cli.Bench;

/// <summary>An upload body written as it is sent (chunked), so a million rows never sit in the client's memory.</summary>
internal sealed class StreamedContent : HttpContent
{
    private readonly Func<Stream, CancellationToken, Task> _write;

    public StreamedContent(string mediaType, Func<Stream, CancellationToken, Task> write)
    {
        _write = write;
        Headers.ContentType = new MediaTypeHeaderValue(mediaType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _write(stream, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _write(stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
