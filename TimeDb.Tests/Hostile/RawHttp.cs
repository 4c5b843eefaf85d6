using System.Net.Sockets;
using System.Text;

namespace TimeDb.Tests.Hostile;

/// <summary>What came back on a raw connection: the status, the headers, the (de-chunked) body, whether the server closed.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body, bool Closed)
{
    public string? ContentType => Headers.TryGetValue("content-type", out var value) ? value.Split(';')[0].Trim() : null;
}

/// <summary>
/// HTTP/1.1 over a bare socket, for requests HttpClient refuses to send: control characters in headers,
/// broken framing, oversized request lines. Reads until the server closes the connection or the timeout.
/// </summary>
internal static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri server, byte[] request, TimeSpan timeout, bool halfClose = false)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cancel = new CancellationTokenSource(timeout);
        await socket.ConnectAsync(server.Host, server.Port, cancel.Token);
        try
        {
            await socket.SendAsync(request, SocketFlags.None, cancel.Token);
        }
        catch (SocketException)
        {
            // The server may answer and close before it has read everything (e.g. a request line too long).
        }

        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var closed = false;
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                if (read == 0)
                {
                    closed = true;
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            // Still open at the timeout: reported as not closed.
        }
        catch (SocketException)
        {
            closed = true; // reset by the server after its answer
        }

        return Parse(received.ToArray(), closed);
    }

    private static RawResponse Parse(byte[] raw, bool closed)
    {
        var text = Encoding.Latin1.GetString(raw);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || end < 0)
        {
            return new RawResponse(0, new Dictionary<string, string>(), text, closed);
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        var body = text[(end + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(body)), closed);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(chunked, lineEnd + 2, Math.Min(size, chunked.Length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }
}

/// <summary>
/// A request only a raw socket can send, and whether the app (problem body) or Kestrel (empty 4xx, connection closed)
/// answers it. Expected 0: Kestrel closes the connection without an answer.
/// </summary>
internal sealed record RawCase(string Endpoint, string Mutation, byte[] Request, bool ReachesApp, int? Expected = null, bool HalfClose = false)
{
    public override string ToString() => $"{Endpoint} [{Mutation}]";
}

internal static class RawCorpus
{
    public static IEnumerable<RawCase> Generate(string key)
    {
        static byte[] B(string s) => Encoding.Latin1.GetBytes(s);
        byte[] Get(string target, string extra = "") => B($"GET {target} HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\n{extra}Connection: close\r\n\r\n");
        byte[] Post(string path, string body, string extra = "") =>
            B($"POST {path} HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.Latin1.GetByteCount(body)}\r\n{extra}Connection: close\r\n\r\n{body}");

        // Control characters Kestrel lets through reach the app: a bad request stays a problem answer.
        string[] controls = ["\u0001", "\u001b[31m", "\u007f", "\u0008", "\u000b", "\u000c"];
        foreach (var control in controls)
        {
            var shown = $"U+{(int)control[0]:X4}";
            yield return new("GET /values", $"{shown} in a header, bad mode", Get("/values?mode=sideways", $"X-Hostile: a{control}b\r\n"), true, 400);
            yield return new("POST /runs", $"{shown} in a header, broken JSON", Post("/runs", "{", $"X-Hostile: a{control}b\r\n"), true, 400);
            yield return new("POST /series", $"{shown} in a header, broken JSON", Post("/series", "{", $"X-Hostile: a{control}b\r\n"), true, 400);
            yield return new("GET /runs", $"{shown} in the API key", B($"GET /runs HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}{control}\r\nConnection: close\r\n\r\n"), true, 401);
            yield return new("POST /keys", $"{shown} in the Content-Type",
                B($"POST /keys HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json{control}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"), true);
        }

        yield return new("GET /values", "raw control byte in the query", Get("/values?mode=\u0001"), true, 400);
        yield return new("GET /values", "percent-encoded invalid UTF-8 in the query", Get("/values?mode=%C3%28"), true, 400);
        yield return new("GET /values", "query string of 200 kB (under Kestrel's line limit)", Get("/values?x=" + new string('q', 200_000)), true, 414);
        yield return new("GET /values", "200 kB of headers (under Kestrel's header limit)", Get("/values", $"X-Hostile: {new string('h', 200_000)}\r\n"), true, 431);
        yield return new("POST /series", "11 MB announced, none sent",
            B($"POST /series HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: 11534336\r\nConnection: close\r\n\r\n"), true, 413);
        yield return new("POST /keys", "11 MB announced, none sent",
            B($"POST /keys HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: 11534336\r\nConnection: close\r\n\r\n"), true, 413);
        yield return new("POST /runs", "bad chunk size",
            B($"POST /runs HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"), true, 400);

        // A client that stops sending mid-body and half-closes: Kestrel ends the request and the connection; no answer.
        yield return new("POST /series", "body shorter than Content-Length, then half-close",
            B($"POST /series HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\""), false, 0, HalfClose: true);
        yield return new("POST /runs", "upload shorter than Content-Length, then half-close",
            B($"POST /runs HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"run_start_time\""), false, 0, HalfClose: true);
        yield return new("PUT /values", "chunked body cut short, then half-close",
            B($"PUT /values HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n{{\"updates\":"), false, 0, HalfClose: true);

        // Malformed framing: Kestrel answers by itself, before the app, and closes the connection (ADR-008).
        yield return new("GET /values", "NUL in a header value", Get("/values", "X-Hostile: a\0b\r\n"), false, 400);
        yield return new("GET /values", "bare CR in a header value", Get("/values", "X-Hostile: a\rb\r\n"), false, 400);
        yield return new("GET /values", "bare LF in a header value", Get("/values", "X-Hostile: a\nb\r\n"), false, 400);
        yield return new("GET /values", "invalid UTF-8 in a header value", Get("/values", "X-Hostile: \u00ff\u00fe\r\n"), false, 400);
        yield return new("GET /values", "space in a header name", Get("/values", "X Hostile: 1\r\n"), false, 400);
        yield return new("GET /values", "header without a colon", Get("/values", "X-Hostile\r\n"), false, 400);
        yield return new("GET /values", "raw 0xFF in the request target", Get("/values?mode=\u00ff"), false, 400);
        yield return new("GET /runs/{run_id}", "encoded NUL in the path", Get("/runs/%00"), false, 400);
        yield return new("DELETE /keys/{key_id}", "encoded NUL in the path",
            B($"DELETE /keys/%00 HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\n\r\n"), false, 400);
        yield return new("GET /values", "garbage request line", B("GARBAGE\r\n\r\n"), false, 400);
        yield return new("GET /values", "no Host header", B($"GET /values HTTP/1.1\r\nX-API-Key: {key}\r\n\r\n"), false, 400);
        yield return new("GET /values", "two Host headers", B($"GET /values HTTP/1.1\r\nHost: a\r\nHost: b\r\nX-API-Key: {key}\r\n\r\n"), false, 400);
        yield return new("GET /values", "absolute URI with another host", B($"GET http://elsewhere/values HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\n\r\n"), false, 400);
        yield return new("GET /values", "request line of 300 kB (over Kestrel's limit)", Get("/values?x=" + new string('q', 300_000)), false, 414);
        yield return new("GET /values", "300 kB of headers (over Kestrel's limit)", Get("/values", $"X-Hostile: {new string('h', 300_000)}\r\n"), false, 431);
        yield return new("GET /values", "200 headers", Get("/values", string.Concat(Enumerable.Range(0, 200).Select(i => $"X-H{i}: 1\r\n"))), false, 431);
        yield return new("POST /series", "Content-Length not a number",
            B($"POST /series HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{{}}"), false, 400);
        yield return new("POST /series", "two different Content-Lengths",
            B($"POST /series HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{{}}"), false, 400);
        yield return new("POST /series", "negative Content-Length",
            B($"POST /series HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{{}}"), false, 400);
        yield return new("POST /runs", "unknown Transfer-Encoding",
            B($"POST /runs HTTP/1.1\r\nHost: localhost\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n{{}}"), false, 400);
    }
}
