using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Formats;

/// <summary>
/// GET /values in CSV and Arrow (SPEC §11): the same rows as JSON in every mode, chosen by format= or Accept,
/// 406 when nothing fits; the Arrow stream is also decoded by an independent implementation (apache-arrow on node).
/// </summary>
public sealed class ValuesFormatsTests : DatabaseTest
{
    private static readonly string[] Reads = ["/values", "/values?mode=overlapping", "/values?mode=overlapping&all_versions=true"];

    private static readonly string[] PlainFields =
        ["valid_time", "valid_time_end", "series_id", "series_key", "series_unit", "value", "run_id", "known_time", "annotation", "tags"];

    private static readonly string[] VersionFields = [.. PlainFields, "value_id", "is_current", "changed_by", "change_time"];

    /// <summary>
    /// Two runs over a series whose key, unit, annotation and tags need CSV quoting (comma, quote, line break) and
    /// non-ASCII text; null values, an interval, fractional-second times, numbers that test round-tripping; and a
    /// correction, so that all_versions has a retired version.
    /// </summary>
    private static async Task SeedAsync(HttpClient client)
    {
        const string key = "load, \"north\" Ω";
        await client.UploadAsync(new
        {
            run_start_time = "2025-01-01T05:00:00Z", known_time = "2025-01-01T06:00:00.123456Z",
            series_units = new Dictionary<string, string> { [key] = "MW,\"h\"", ["wind"] = "m/s" },
            value_rows = new object[]
            {
                Row("wind", "2025-01-02T00:00:00Z", 1.5),
                Row("wind", "2025-01-02T00:00:00Z", null, "2025-01-02T01:00:00.5Z"),
                Row(key, "2025-01-02T00:00:00Z", 1e20),
                Row(key, "2025-01-02T01:00:00.000001Z", 0.1 + 0.2),
                Row(key, "2025-01-02T02:00:00Z", 5e-324),
                Row(key, "2025-01-02T03:00:00Z", -123456.789e-10),
            },
        });
        var later = await client.PostJsonAsync("/runs", Run("2025-01-01T12:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 2), Row(key, "2025-01-02T00:00:00Z", null))).ExpectAsync(201);
        await client.PutJsonAsync("/values", new
        {
            updates = new object[]
            {
                new
                {
                    run_id = later.Id("run_id"), series_id = later.GetProperty("series_ids").Id("wind"), valid_time = "2025-01-02T00:00:00Z",
                    value = 2.25, annotation = "checked, \"ok\"\nsecond line ünï", tags = new[] { "a,b", "say \"hi\"", "ünï", "x\\y" },
                },
            },
        }).ExpectAsync(200);
    }

    [TestCaseSource(nameof(Reads))]
    public async Task Csv_HoldsTheJsonRows_FieldForField(string url)
    {
        using var client = Factory.CreateClient();
        await SeedAsync(client);

        var json = await client.ExpectReadAsync(url);
        var csv = await client.ExpectReadAsync(url + (url.Contains('?') ? "&" : "?") + "format=csv");

        Assert.That(csv.ContentType, Is.EqualTo(MediaTypes.CsvAnswer));
        Assert.That(csv.Text, Does.Not.StartWith("\uFEFF"), "no byte order mark");
        Assert.That(csv.Text, Does.EndWith("\r\n"), "RFC 4180 line ends");
        var records = FormatReaders.CsvRecords(csv.Text);
        using var document = JsonDocument.Parse(json.Body);
        var rows = document.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.That(rows, Has.Count.GreaterThan(5));
        Assert.That(records[0], Is.EqualTo(rows[0].EnumerateObject().Select(p => p.Name).ToArray()), "header: the JSON row's field names in order");
        Assert.That(records, Has.Count.EqualTo(rows.Count + 1));
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.That(records[i + 1], Is.EqualTo(rows[i].EnumerateObject().Select(p => FormatReaders.CsvText(p.Value)).ToArray()), $"row {i}");
        }
    }

    [Test]
    public async Task Csv_QuotesWhatNeedsIt_AndNothingElse()
    {
        using var client = Factory.CreateClient();
        await SeedAsync(client);

        var text = (await client.ExpectReadAsync("/values?format=csv&series_key=wind")).Text;
        var lines = text.Split("\r\n");

        Assert.That(lines[0], Is.EqualTo(string.Join(",", PlainFields)));
        Assert.That(text, Does.Contain(",\"checked, \"\"ok\"\"\nsecond line ünï\",\"[\"\"a,b\"\",\"\"say \\\"\"hi\\\"\"\"\",\"\"x\\\\y\"\",\"\"ünï\"\"]\"\r\n"),
            "annotation and tags quoted, inner quotes doubled, the line break kept inside the quotes, tags as their JSON array");
        Assert.That(lines[1], Does.StartWith("2025-01-02T00:00:00Z,,"), "null as an empty field, times as JSON writes them");
    }

    [TestCaseSource(nameof(Reads))]
    public async Task Arrow_HoldsTheJsonRows_InTheDocumentedTypes(string url)
    {
        using var client = Factory.CreateClient();
        await SeedAsync(client);

        var json = FormatReaders.FromJson((await client.ExpectReadAsync(url)).Body);
        var arrow = await client.ExpectReadAsync(url, MediaTypes.Arrow);

        Assert.That(arrow.ContentType, Is.EqualTo(MediaTypes.Arrow));
        var (schema, batches, rows) = FormatReaders.FromArrow(arrow.Body);
        Assert.That(schema.FieldsList.Select(f => f.Name), Is.EqualTo(json.Fields));
        Assert.That(rows, Is.EqualTo(json.Rows));
        Assert.That(batches, Has.Count.EqualTo(1));
        AssertDocumentedTypes(schema);
    }

    [Test]
    public async Task Arrow_DecodedByAnIndependentImplementation_MatchesJsonInEveryField()
    {
        using var client = Factory.CreateClient();
        await SeedAsync(client);

        foreach (var url in Reads)
        {
            var json = FormatReaders.FromJson((await client.ExpectReadAsync(url)).Body);
            var arrow = await client.ExpectReadAsync(url + (url.Contains('?') ? "&" : "?") + "format=arrow");

            var decoded = await NodeArrowDecoder.DecodeAsync(arrow.Body);
            var fields = decoded.GetProperty("schema").EnumerateArray().ToList();
            Assert.That(fields.Select(f => f.Str("name")), Is.EqualTo(json.Fields), url);
            Assert.That(FormatReaders.FromNodeDecoder(decoded), Is.EqualTo(json.Rows), url);
            var types = fields.ToDictionary(f => f.Str("name"));
            Assert.Multiple(() =>
            {
                foreach (var time in new[] { "valid_time", "valid_time_end", "known_time" })
                {
                    Assert.That(types[time].Str("type"), Is.EqualTo("Timestamp"), time);
                    Assert.That(types[time].Str("unit"), Is.EqualTo("MICROSECOND"), time);
                    Assert.That(types[time].Str("timezone"), Is.EqualTo("UTC"), time);
                }

                Assert.That(types["value"].Str("type"), Is.EqualTo("Float"));
                Assert.That(types["series_id"].Str("type"), Is.EqualTo("Utf8"));
                Assert.That(types["tags"].Str("type"), Is.EqualTo("List"));
                Assert.That(types["tags"].Str("item"), Is.EqualTo("Utf8"));
                Assert.That(types["value"].GetProperty("nullable").GetBoolean(), Is.True);
                Assert.That(types["valid_time"].GetProperty("nullable").GetBoolean(), Is.False);
            });
        }
    }

    [Test]
    public async Task Arrow_BatchesHoldAtMost65536Rows()
    {
        using var client = Factory.CreateClient();
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await client.UploadAsync(Run("2025-01-01T00:00:00Z", [.. Enumerable.Range(0, 65_537).Select(i => Row("wind", start.AddMinutes(i).ToString("O"), i))]));

        var (_, batches, rows) = FormatReaders.FromArrow((await client.ExpectReadAsync("/values?format=arrow")).Body);

        Assert.That(batches, Has.Count.GreaterThan(1));
        Assert.That(batches, Has.All.LessThanOrEqualTo(65_536));
        Assert.That(batches.Sum(), Is.EqualTo(65_537));
        Assert.That(rows, Has.Count.EqualTo(65_537));
    }

    [Test]
    public async Task Arrow_WideRows_MakeSmallerBatches_BoundedByBytes()
    {
        using var client = Factory.CreateClient();
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await client.UploadAsync(Run("2025-01-01T00:00:00Z", [.. Enumerable.Range(0, 3_000).Select(i => Row("wind", start.AddMinutes(i).ToString("O"), i))]));
        // 4,096 characters of annotation per row (PUT /values would take a 12 MB body): ~12 MB of text in all.
        await Sql.ExecuteAsync(ConnectionString, "UPDATE \"values\" SET annotation = repeat('a', 4096)");

        var (_, batches, rows) = FormatReaders.FromArrow((await client.ExpectReadAsync("/values?format=arrow")).Body);

        Assert.That(rows, Has.Count.EqualTo(3_000));
        Assert.That(batches, Has.Count.GreaterThanOrEqualTo(3), "4 MiB of columns make a batch");
        Assert.That(batches.Max() * 4_096L, Is.LessThanOrEqualTo(4L * 1024 * 1024 + 4_096));
    }

    [Test]
    public async Task EmptyResult_CsvIsTheHeaderAlone_ArrowIsTheSchemaWithoutRows()
    {
        using var client = Factory.CreateClient();

        var json = await client.ExpectReadAsync("/values?format=json");
        var csv = await client.ExpectReadAsync("/values?format=csv");
        var csvVersions = await client.ExpectReadAsync("/values?format=csv&mode=overlapping&all_versions=true");
        var arrow = await client.ExpectReadAsync("/values?format=arrow");

        Assert.That(json.Text, Is.EqualTo("{\"data\":[],\"count\":0}"));
        Assert.That(csv.Text, Is.EqualTo(string.Join(",", PlainFields) + "\r\n"));
        Assert.That(csvVersions.Text, Is.EqualTo(string.Join(",", VersionFields) + "\r\n"));
        var (schema, batches, rows) = FormatReaders.FromArrow(arrow.Body);
        Assert.That(schema.FieldsList.Select(f => f.Name), Is.EqualTo(PlainFields));
        Assert.That(batches, Is.Empty);
        Assert.That(rows, Is.Empty);
        var decoded = await NodeArrowDecoder.DecodeAsync(arrow.Body);
        Assert.That(decoded.GetProperty("schema").GetArrayLength(), Is.EqualTo(PlainFields.Length));
        Assert.That(decoded.GetProperty("rows").GetArrayLength(), Is.Zero);
    }

    [TestCase(null, MediaTypes.JsonAnswer)]
    [TestCase("", MediaTypes.JsonAnswer)]
    [TestCase("application/json", MediaTypes.JsonAnswer)]
    [TestCase("text/csv", MediaTypes.CsvAnswer)]
    [TestCase("application/vnd.apache.arrow.stream", MediaTypes.Arrow)]
    [TestCase("*/*", MediaTypes.JsonAnswer)]
    [TestCase("text/*", MediaTypes.CsvAnswer)]
    [TestCase("application/*", MediaTypes.JsonAnswer)]
    [TestCase("application/json;q=0.5, text/csv;q=0.9", MediaTypes.CsvAnswer)]
    [TestCase("text/csv;q=0.1, application/vnd.apache.arrow.stream", MediaTypes.Arrow)]
    [TestCase("application/vnd.apache.arrow.stream, text/csv", MediaTypes.Arrow)]
    [TestCase("text/csv; charset=utf-8; header=present", MediaTypes.CsvAnswer)]
    [TestCase("*/*;q=0.1, application/json;q=0", MediaTypes.CsvAnswer)]
    [TestCase("application/*;q=0.2, application/vnd.apache.arrow.stream;q=0.3", MediaTypes.Arrow)]
    [TestCase("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", MediaTypes.JsonAnswer)]
    public async Task Accept_ChoosesTheFormat_ByQualityAndSpecificity(string? accept, string contentType)
    {
        using var client = Factory.CreateClient();
        var answer = await client.ExpectReadAsync("/values", accept);
        Assert.That(answer.ContentType, Is.EqualTo(contentType));
    }

    [TestCase("csv", "application/json", MediaTypes.CsvAnswer)]
    [TestCase("arrow", "text/csv", MediaTypes.Arrow)]
    [TestCase("json", "application/vnd.apache.arrow.stream", MediaTypes.JsonAnswer)]
    [TestCase("CSV", "application/xml", MediaTypes.CsvAnswer)]
    public async Task FormatParameter_BeatsAccept(string format, string accept, string contentType)
    {
        using var client = Factory.CreateClient();
        var answer = await client.ExpectReadAsync($"/values?format={format}", accept);
        Assert.That(answer.ContentType, Is.EqualTo(contentType));
    }

    [TestCase("application/xml")]
    [TestCase("text/csv;q=0")]
    [TestCase("image/*, text/html")]
    [TestCase("not a media type")]
    public async Task NothingAcceptable_Is406_NamingTheFormatsOnOffer(string accept)
    {
        using var client = Factory.CreateClient();
        var answer = await client.ReadAsync("/values", accept);

        Assert.That(answer.Status, Is.EqualTo(406), answer.Text);
        Assert.That(answer.ContentType, Does.StartWith("application/problem+json"));
        var detail = JsonDocument.Parse(answer.Body).RootElement.Str("detail");
        Assert.That(detail, Does.Contain("format=json|csv|arrow").And.Contain("text/csv").And.Contain("application/vnd.apache.arrow.stream").And.Contain("application/json"));
    }

    [Test]
    public async Task BadFormatParameter_Is400_NamingTheParameter()
    {
        using var client = Factory.CreateClient();
        var problem = await client.GetAsync("/values?format=parquet").ExpectAsync(400);
        Assert.That(problem.GetProperty("errors").TryGetProperty("format", out var errors), Is.True, problem.ToString());
        Assert.That(errors[0].GetString(), Does.Contain("'parquet'").And.Contain("'csv'").And.Contain("'arrow'"));
    }

    [TestCase("text/csv")]
    [TestCase("application/vnd.apache.arrow.stream")]
    public async Task BadInput_AsksForCsvOrArrow_StillGetsAProblemBody(string accept)
    {
        using var client = Factory.CreateClient();
        var answer = await client.ReadAsync("/values?mode=sideways", accept);

        Assert.That(answer.Status, Is.EqualTo(400));
        Assert.That(answer.ContentType, Does.StartWith("application/problem+json"));
        Assert.That(JsonDocument.Parse(answer.Body).RootElement.GetProperty("errors").TryGetProperty("mode", out _), Is.True);
    }

    [Test]
    public async Task Answers_VaryByAccept()
    {
        using var client = Factory.CreateClient();
        using var response = await client.GetAsync("/values?format=csv");
        Assert.That(response.Headers.Vary, Does.Contain("Accept"));
    }

    private static void AssertDocumentedTypes(Apache.Arrow.Schema schema)
    {
        var fields = schema.FieldsList.ToDictionary(f => f.Name);
        Assert.Multiple(() =>
        {
            foreach (var name in new[] { "valid_time", "valid_time_end", "known_time", "change_time" }.Where(fields.ContainsKey))
            {
                var type = (TimestampType)fields[name].DataType;
                Assert.That(type.Unit, Is.EqualTo(TimeUnit.Microsecond), name);
                Assert.That(type.Timezone, Is.EqualTo("UTC"), name);
            }

            foreach (var name in new[] { "series_id", "series_key", "series_unit", "run_id", "annotation", "changed_by" }.Where(fields.ContainsKey))
            {
                Assert.That(fields[name].DataType, Is.InstanceOf<StringType>(), name);
            }

            Assert.That(fields["value"].DataType, Is.InstanceOf<DoubleType>());
            Assert.That(((ListType)fields["tags"].DataType).ValueDataType, Is.InstanceOf<StringType>());
            if (fields.TryGetValue("value_id", out var valueId))
            {
                Assert.That(valueId.DataType, Is.InstanceOf<Int64Type>());
                Assert.That(fields["is_current"].DataType, Is.InstanceOf<BooleanType>());
            }

            var nullable = schema.FieldsList.Where(f => f.IsNullable).Select(f => f.Name);
            Assert.That(nullable, Is.EquivalentTo(new[] { "valid_time_end", "value", "annotation", "tags", "changed_by" }.Where(fields.ContainsKey)));
        });
    }
}
