using System.Globalization;
using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using TimeDb.Cli.Bench;

namespace TimeDb.Tests.Cli;

/// <summary>
/// The benchmark's upload bodies carry the same rows in every format (the figures compare formats, so they must
/// move the same data), in the shapes SPEC §11 names; and its counters count those shapes right.
/// </summary>
public sealed class BenchFormatsTests
{
    private static readonly BenchDataset Dataset = new(rows: 70_001, series: 3, tag: "test");

    [TestCase("json")]
    [TestCase("csv")]
    [TestCase("arrow")]
    public async Task UploadBody_HoldsEveryRowOfTheDataset(string name)
    {
        var format = BenchFormat.All.Single(f => f.Name == name);
        var body = await BodyAsync(format);

        var rows = format switch
        {
            JsonBenchFormat => FromJson(body),
            CsvBenchFormat => FromCsv(body),
            _ => await FromArrowAsync(body),
        };

        var expected = Dataset.AllRows().Select(r => (r.ValidTime, r.ValueKey, r.Value)).ToList();
        Assert.That(rows, Has.Count.EqualTo(Dataset.Rows));
        Assert.That(rows, Is.EqualTo(expected));
    }

    [Test]
    public async Task ArrowUploadBody_IsAStreamOfBatchesOfAtMost65536Rows_WithTheSpecTypes()
    {
        using var reader = new ArrowStreamReader(new MemoryStream(await BodyAsync(new ArrowBenchFormat())));
        var lengths = new List<int>();
        while (await reader.ReadNextRecordBatchAsync() is { } batch)
        {
            lengths.Add(batch.Length);
            batch.Dispose();
        }

        var schema = reader.Schema;
        Assert.Multiple(() =>
        {
            Assert.That(lengths, Is.EqualTo(new[] { 65_536, Dataset.Rows - 65_536 }));
            Assert.That(schema.FieldsList.Select(f => f.Name), Is.EqualTo(new[] { "valid_time", "value_key", "value" }));
            Assert.That(schema.GetFieldByName("valid_time").DataType, Is.TypeOf<Apache.Arrow.Types.TimestampType>()
                .With.Property("Unit").EqualTo(Apache.Arrow.Types.TimeUnit.Microsecond).And.Property("Timezone").EqualTo("UTC"));
            Assert.That(schema.GetFieldByName("value_key").DataType, Is.TypeOf<Apache.Arrow.Types.StringType>());
            Assert.That(schema.GetFieldByName("value").DataType, Is.TypeOf<Apache.Arrow.Types.DoubleType>());
        });
    }

    [TestCase("json")]
    [TestCase("csv")]
    [TestCase("arrow")]
    public async Task Counter_CountsTheRowsOfABodyOfThatShape(string name)
    {
        var format = BenchFormat.All.Single(f => f.Name == name);
        // A JSON answer ends with its count; CSV and Arrow answers are counted row by row, as the upload bodies are shaped.
        var body = format is JsonBenchFormat ? Encoding.UTF8.GetBytes("{\"data\": [], \"count\": 70001}") : await BodyAsync(format);

        var count = await format.CountRowsAsync(new MemoryStream(body), CancellationToken.None);

        Assert.That(count, Is.EqualTo(Dataset.Rows));
    }

    private static async Task<byte[]> BodyAsync(BenchFormat format)
    {
        using var body = new MemoryStream();
        await format.WriteUploadAsync(Dataset, body, CancellationToken.None);
        return body.ToArray();
    }

    private static List<(DateTime, string, double)> FromJson(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        Assert.That(json.RootElement.GetProperty("known_time").GetDateTimeOffset(), Is.EqualTo(BenchDataset.KnownTime));
        return json.RootElement.GetProperty("value_rows").EnumerateArray()
            .Select(r => (r.GetProperty("valid_time").GetDateTime().ToUniversalTime(), r.GetProperty("value_key").GetString()!, r.GetProperty("value").GetDouble()))
            .ToList();
    }

    private static List<(DateTime, string, double)> FromCsv(byte[] body)
    {
        var lines = Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("valid_time,value_key,value"));
        return lines.Skip(1).Select(line => line.Split(',')).Select(cells => (
                DateTime.Parse(cells[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                cells[1],
                double.Parse(cells[2], CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static async Task<List<(DateTime, string, double)>> FromArrowAsync(byte[] body)
    {
        using var reader = new ArrowStreamReader(new MemoryStream(body));
        var rows = new List<(DateTime, string, double)>();
        while (await reader.ReadNextRecordBatchAsync() is { } batch)
        {
            using (batch)
            {
                var times = (TimestampArray)batch.Column("valid_time");
                var keys = (StringArray)batch.Column("value_key");
                var values = (DoubleArray)batch.Column("value");
                for (var i = 0; i < batch.Length; i++)
                {
                    rows.Add((times.GetTimestamp(i)!.Value.UtcDateTime, keys.GetString(i), values.GetValue(i)!.Value));
                }
            }
        }

        return rows;
    }
}
