using System.Text.Json;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Formats.RoundTripDataSet;

namespace TimeDb.Tests.Formats;

/// <summary>
/// Every upload format read back in every output format (SPEC §11), flat and overlapping: the rows read equal, field by
/// field, the rows of <see cref="RoundTripDataSet"/> as uploaded, with the run and series ids the uploads answered.
/// </summary>
public sealed class RoundTripMatrixTests : DatabaseTest
{
    private static readonly string[] UploadFormats = ["json", "csv", "arrow"];
    private static readonly string[] ReadFormats = ["json", "csv", "arrow"];
    private static readonly string[] Modes = ["flat", "overlapping"];

    private static readonly Dictionary<string, (string Accept, string ContentType)> Answers = new()
    {
        ["json"] = (MediaTypes.Json, MediaTypes.JsonAnswer),
        ["csv"] = (MediaTypes.Csv, MediaTypes.CsvAnswer),
        ["arrow"] = (MediaTypes.Arrow, MediaTypes.Arrow),
    };

    private static IEnumerable<TestCaseData> Matrix() =>
        from upload in UploadFormats
        from read in ReadFormats
        from mode in Modes
        select new TestCaseData(upload, read, mode).SetName($"RoundTrip_{upload}Upload_{read}Read_{mode}_KeepsEveryField");

    [TestCaseSource(nameof(Matrix))]
    public async Task RoundTrip_KeepsEveryField(string upload, string read, string mode)
    {
        using var client = Factory.CreateClient();
        var (runIds, seriesIds) = await UploadAsync(client, upload);
        await AnnotateAsync(client, runIds, seriesIds);
        var expected = Expected(mode, runIds, seriesIds);

        var url = $"/values?mode={mode}";
        var byParameter = await client.ExpectReadAsync($"{url}&format={read}");
        var byAccept = await client.ExpectReadAsync(url, Answers[read].Accept);

        Assert.That(byParameter.ContentType, Is.EqualTo(Answers[read].ContentType), "format=");
        Assert.That(byAccept.ContentType, Is.EqualTo(Answers[read].ContentType), "Accept");
        Assert.That(byAccept.Body, Is.EqualTo(byParameter.Body), "the same answer, chosen by Accept or by format=");
        switch (read)
        {
            case "json":
                AssertRows(FormatReaders.FromJson(byParameter.Body), expected, "JSON");
                break;
            case "csv":
                AssertRows(FormatReaders.FromCsv(byParameter.Text), expected, "CSV");
                break;
            default:
                var arrow = FormatReaders.FromArrow(byParameter.Body);
                AssertRows(([.. arrow.Schema.FieldsList.Select(f => f.Name)], arrow.Rows), expected, "Arrow (Apache.Arrow for .NET)");
                var node = await NodeArrowDecoder.DecodeAsync(byParameter.Body);
                AssertRows(([.. node.GetProperty("schema").EnumerateArray().Select(f => f.Str("name"))], FormatReaders.FromNodeDecoder(node)), expected,
                    "Arrow (apache-arrow on node)");
                break;
        }
    }

    /// <summary>
    /// Uploads both runs in <paramref name="format"/>; CSV and Arrow carry no units, so their series are created first
    /// (POST /series, as the upload's own error message advises). Returns the run ids and the series ids answered.
    /// </summary>
    private static async Task<(Guid[] RunIds, Dictionary<string, Guid> SeriesIds)> UploadAsync(HttpClient client, string format)
    {
        if (format != "json")
        {
            foreach (var (key, unit) in Units)
            {
                await client.PostJsonAsync("/series", new { name = key, unit }).ExpectAsync(201);
            }
        }

        var runIds = new Guid[Runs.Length];
        var seriesIds = new Dictionary<string, Guid>();
        for (var run = 0; run < Runs.Length; run++)
        {
            var answer = await (format switch
            {
                "json" => client.PostJsonAsync("/runs", JsonBody(run)),
                "csv" => client.PostCsvAsync($"/runs?{Query(run)}", Csv(run)),
                _ => client.PostArrowAsync($"/runs?{Query(run)}", Arrow(run)),
            }).ExpectAsync(201);

            Assert.That(answer.Num("rows_inserted"), Is.EqualTo(Of(run).Count()));
            runIds[run] = answer.Id("run_id");
            foreach (var series in answer.GetProperty("series_ids").EnumerateObject())
            {
                Assert.That(seriesIds.TryAdd(series.Name, series.Value.GetGuid()) || seriesIds[series.Name] == series.Value.GetGuid(), Is.True,
                    $"the second run reuses the series {series.Name}");
            }
        }

        Assert.That(seriesIds.Keys, Is.EquivalentTo(Values.Select(v => v.Key).Distinct()));
        return (runIds, seriesIds);
    }

    private static async Task AnnotateAsync(HttpClient client, Guid[] runIds, Dictionary<string, Guid> seriesIds)
    {
        var updates = Values.Where(v => v.Annotation is not null || v.Tags is not null).Select(v => new
        {
            run_id = runIds[v.Run],
            series_id = seriesIds[v.Key],
            valid_time = v.ValidTime,
            valid_time_end = v.ValidTimeEnd,
            annotation = v.Annotation,
            tags = v.Tags,
        }).ToArray();
        var answer = await client.PutJsonAsync("/values", new { updates }).ExpectAsync(200);
        Assert.That(answer.GetProperty("updated").GetArrayLength(), Is.EqualTo(updates.Length));
    }

    /// <summary>
    /// The rows a read must give, from the data set: flat keeps the value of the later run per (series, valid_time,
    /// valid_time_end) and orders by valid_time, series_key; overlapping keeps all, ordered by known_time, valid_time,
    /// series_key (SPEC §5); both then by valid_time_end, points first. The keys differ in their first letter, so every
    /// collation orders them alike.
    /// </summary>
    private static List<string> Expected(string mode, Guid[] runIds, Dictionary<string, Guid> seriesIds)
    {
        static DateTimeOffset Time(string iso) => ArrowStreams.T(iso);
        var values = mode == "flat"
            ? Values.GroupBy(v => (v.Key, v.ValidTime, v.ValidTimeEnd)).Select(g => g.MaxBy(v => Time(Runs[v.Run].KnownTime))!)
                .OrderBy(v => Time(v.ValidTime)).ThenBy(v => v.Key, StringComparer.Ordinal)
            : Values.OrderBy(v => Time(Runs[v.Run].KnownTime)).ThenBy(v => Time(v.ValidTime)).ThenBy(v => v.Key, StringComparer.Ordinal);
        return [.. values.ThenBy(v => v.ValidTimeEnd is null ? DateTimeOffset.MinValue : Time(v.ValidTimeEnd)).Select(v => FormatReaders.Row(
        [
            ("valid_time", v.ValidTime),
            ("valid_time_end", v.ValidTimeEnd),
            ("series_id", seriesIds[v.Key].ToString()),
            ("series_key", v.Key),
            ("series_unit", Units.GetValueOrDefault(v.Key, "dimensionless")),
            ("value", v.Value),
            ("run_id", runIds[v.Run].ToString()),
            ("known_time", Runs[v.Run].KnownTime),
            ("annotation", v.Annotation),
            ("tags", v.Tags),
        ]))];
    }

    /// <summary>The fields in order, then every row field by field, each mismatch named by its row and field.</summary>
    private static void AssertRows((string[] Fields, List<string> Rows) read, List<string> expected, string format)
    {
        using var first = JsonDocument.Parse(expected[0]);
        Assert.That(read.Fields, Is.EqualTo(first.RootElement.EnumerateObject().Select(p => p.Name).ToArray()), $"{format}: the fields, in order");
        Assert.That(read.Rows, Has.Count.EqualTo(expected.Count), $"{format}: rows");
        Assert.Multiple(() =>
        {
            for (var i = 0; i < expected.Count; i++)
            {
                using var want = JsonDocument.Parse(expected[i]);
                using var got = JsonDocument.Parse(read.Rows[i]);
                foreach (var field in want.RootElement.EnumerateObject())
                {
                    Assert.That(got.RootElement.GetProperty(field.Name).GetRawText(), Is.EqualTo(field.Value.GetRawText()),
                        $"{format}, row {i} ({want.RootElement.Str("series_key")} at {want.RootElement.Str("valid_time")}): {field.Name}");
                }
            }
        });
    }
}
