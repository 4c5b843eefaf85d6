using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TimeDb.Cli.Bench;

/// <summary>JSON: the upload envelope with its <c>value_rows</c>; a read's answer ends with its <c>count</c>.</summary>
internal sealed class JsonBenchFormat() : BenchFormat("json", "application/json")
{
    private const int FlushBytes = 64 * 1024;

    public override Uri UploadUri => new("/runs", UriKind.Relative);

    public override async Task WriteUploadAsync(BenchDataset dataset, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteString("workflow_id", BenchDataset.WorkflowId);
        json.WriteString("run_start_time", BenchDataset.KnownTime);
        json.WriteString("known_time", BenchDataset.KnownTime);
        json.WriteStartArray("value_rows");
        foreach (var row in dataset.AllRows())
        {
            json.WriteStartObject();
            json.WriteString("valid_time", row.ValidTime);
            json.WriteString("value_key", row.ValueKey);
            json.WriteNumber("value", row.Value);
            json.WriteEndObject();
            if (json.BytesPending > FlushBytes)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    /// <summary>Keeps only the answer's last bytes, where <c>"count": n</c> is: the client does not parse a million rows.</summary>
    public override async Task<long> CountRowsAsync(Stream answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var buffer = new byte[128 * 1024];
        var tail = new byte[64];
        var tailLength = 0;
        int read;
        while ((read = await answer.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var keep = Math.Min(read, tail.Length);
            var shift = Math.Min(tailLength, tail.Length - keep);
            Array.Copy(tail, tailLength - shift, tail, 0, shift);
            Array.Copy(buffer, read - keep, tail, shift, keep);
            tailLength = shift + keep;
        }

        var end = Encoding.UTF8.GetString(tail, 0, tailLength);
        var at = end.LastIndexOf("\"count\":", StringComparison.Ordinal);
        return at >= 0 && long.TryParse(end.AsSpan(at + 8).TrimEnd('}').Trim(), CultureInfo.InvariantCulture, out var count)
            ? count
            : throw new CliException("the read's JSON answer did not end with a count: it was cut short");
    }
}
