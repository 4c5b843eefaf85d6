using System.Net.Http.Headers;

namespace TimeDb.Tests.Hostile;

/// <summary>Which key a hostile request carries: every request is authenticated, so it reaches validation.</summary>
internal enum Caller
{
    User,
    Admin,
}

/// <summary>
/// One malformed or extreme request. The body is built when sent (some are 10 MB or a million rows), with the
/// Content-Type given verbatim (null: none). <see cref="Expected"/> pins the status where one answer is right.
/// </summary>
internal sealed record HostileRequest(
    string Endpoint,
    string Mutation,
    HttpMethod Method,
    string Url,
    Func<HttpContent>? Body = null,
    Caller Caller = Caller.User,
    int? Expected = null,
    (string Name, string Value)? Header = null)
{
    public const string Json = "application/json";

    public override string ToString() => $"{Endpoint} [{Mutation}]";

    public static Func<HttpContent> Bytes(byte[] body, string? contentType = Json) => () =>
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return content;
    };

    public static Func<HttpContent> Text(string body, string? contentType = Json) => Bytes(System.Text.Encoding.UTF8.GetBytes(body), contentType);
}

/// <summary>A body written while it is sent, so a million rows never sit in the test's memory.</summary>
internal sealed class GeneratedJsonContent : HttpContent
{
    private readonly Func<Stream, Task> _write;

    public GeneratedJsonContent(Func<Stream, Task> write)
    {
        _write = write;
        Headers.ContentType = new MediaTypeHeaderValue(HostileRequest.Json);
    }

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => _write(stream);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
