using System.IO.Pipelines;
using System.Text.Json;
using TimeDb.Api.Streaming;

namespace TimeDb.Tests.Api;

/// <summary>
/// The writer under every streamed JSON answer holds a bounded number of bytes, counted the way the body
/// pipe holds them: what the JSON writer handed to the pipe but the pipe did not send yet, plus what the
/// writer still buffers. (list_timeseries once counted only the latter, which the writer keeps below one
/// buffer, so it held the whole answer until the end.)
/// </summary>
public sealed class BoundedJsonStreamTests
{
    [TestCase(16 * 1024)]
    [TestCase(BoundedJsonStream.DefaultFlushAfterBytes)]
    public async Task RowsWrittenThroughIt_AreNeverHeldBeyondTheBoundPlusOneRow(int bound)
    {
        // The test reads nothing until the end and the pipe never pauses: only the stream's own flushes send.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));
        var row = new string('<', 700);
        long maxHeld = 0;
        await using (var stream = new BoundedJsonStream(pipe.Writer, bound))
        {
            stream.Json.WriteStartArray();
            for (var i = 0; i < 5_000; i++)
            {
                stream.Json.WriteStringValue(row);
                await stream.FlushIfFullAsync(CancellationToken.None);
                maxHeld = Math.Max(maxHeld, pipe.Writer.UnflushedBytes + stream.Json.BytesPending);
                Assert.That(stream.Held, Is.EqualTo(pipe.Writer.UnflushedBytes + stream.Json.BytesPending), "Held counts what the pipe holds");
            }

            stream.Json.WriteEndArray();
            await stream.FlushAsync(CancellationToken.None);
        }

        await pipe.Writer.CompleteAsync();
        Assert.That(maxHeld, Is.LessThan(bound + 1_000), "held bytes stay under the bound plus one row");

        var read = await pipe.Reader.ReadAtLeastAsync(int.MaxValue / 2);
        using var document = JsonDocument.Parse(read.Buffer);
        Assert.That(document.RootElement.GetArrayLength(), Is.EqualTo(5_000));
        Assert.That(document.RootElement[0].GetString(), Is.EqualTo(row), "text is escaped only as JSON requires");
    }
}
