using System.Net;
using System.Text;

namespace TimeDb.Tests.Reliability;

/// <summary>
/// A request body that sends its first bytes and then waits until the test completes its release task: the request is
/// inside the API (past the limiter, reading its body) for as long as the test wants, like a trickling upload.
/// </summary>
internal sealed class HeldBody(TaskCompletionSource release, string seriesKey) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"run_start_time\": \"2025-01-01T00:00:00Z\", "));
        await stream.FlushAsync();
        await release.Task;
        await stream.WriteAsync(Encoding.UTF8.GetBytes(
            $"\"value_rows\": [{{\"value_key\": \"{seriesKey}\", \"valid_time\": \"2025-01-02T00:00:00Z\", \"value\": 1}}]}}"));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
