using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TimeDb.Cli.Bench;

/// <summary>
/// The benchmark's forecast: <see cref="SeriesKeys"/> series of 15-minute points from
/// <see cref="Start"/>, rendered once, before any clock starts, as the upload's JSON body and as
/// the CSV of the COPY ceiling.
/// </summary>
internal sealed class BenchDataset
{
    public static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(15);

    public BenchDataset(int rows, int series, string tag)
    {
        Rows = rows;
        SeriesKeys = Enumerable.Range(0, series).Select(i => $"{tag}_s{i:D2}").ToArray();
    }

    public int Rows { get; }

    public IReadOnlyList<string> SeriesKeys { get; }

    /// <summary>Points of series <paramref name="series"/>: the rows are spread as evenly as they go.</summary>
    public int PointsOf(int series) => Rows / SeriesKeys.Count + (series < Rows % SeriesKeys.Count ? 1 : 0);

    public DateTime LastValidTime => Start + Step * (PointsOf(0) - 1);

    public static DateTime ValidTime(int point) => Start + Step * point;

    public static double Value(int series, int point) =>
        Math.Round(100 + series + 50 * Math.Sin(point * Math.PI / 48), 3);

    /// <summary>The <c>POST /runs</c> body: one run, every row.</summary>
    public byte[] UploadBody(DateTimeOffset knownTime, string workflowId)
    {
        var buffer = new ArrayBufferWriter<byte>(Rows * 80 + 1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("workflow_id", workflowId);
            json.WriteString("run_start_time", knownTime);
            json.WriteString("known_time", knownTime);
            json.WriteStartArray("value_rows");
            for (var s = 0; s < SeriesKeys.Count; s++)
            {
                for (var p = 0; p < PointsOf(s); p++)
                {
                    json.WriteStartObject();
                    json.WriteString("valid_time", ValidTime(p));
                    json.WriteString("value_key", SeriesKeys[s]);
                    json.WriteNumber("value", Value(s, p));
                    json.WriteEndObject();
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The same rows as CSV lines in the column order of the COPY ceiling.</summary>
    public string CeilingCsv(Guid tenantId, Guid runId, IReadOnlyList<Guid> seriesIds, DateTimeOffset knownTime)
    {
        var text = new StringBuilder(Rows * 150);
        var known = knownTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        for (var s = 0; s < SeriesKeys.Count; s++)
        {
            var prefix = $"{runId},{tenantId},{seriesIds[s]},";
            for (var p = 0; p < PointsOf(s); p++)
            {
                text.Append(prefix)
                    .Append(ValidTime(p).ToString("O", CultureInfo.InvariantCulture)).Append(',')
                    .Append(Value(s, p).ToString("R", CultureInfo.InvariantCulture)).Append(',')
                    .Append(known).Append(',').Append(known).Append('\n');
            }
        }

        return text.ToString();
    }
}
