using System.Buffers.Binary;
using System.Net;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Formats.ArrowStreams;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Formats;

/// <summary>
/// <c>POST /runs</c> with <c>Content-Type: application/vnd.apache.arrow.stream</c> (SPEC §11): the rows as columns of
/// an Arrow IPC stream, the run's fields as query parameters, the same validation, atomicity and answer as JSON.
/// </summary>
public sealed class ArrowUploadTests : DatabaseTest
{
    private const string Start = "run_start_time=2025-01-01T00:00:00Z";

    /// <summary>Two batches: points, an interval, null values, a key that needs CSV quoting, fractional-second times.</summary>
    private static byte[] TwoBatches() => Write(
    [
        Texts("value_key", ["wind", "wind", "load, \"north\""], ["wind", "solar ☀"]),
        Doubles("value", [1.5, null, 1e20], [0.1 + 0.2, -2.5]),
        Times("valid_time",
            [T("2025-01-02T00:00:00Z"), T("2025-01-02T01:00:00Z"), T("2025-01-02T00:00:00.000001Z")],
            [T("2025-01-02T00:00:00Z"), T("2025-01-02T00:00:00Z")]),
        Times("valid_time_end", [null, null, null], [T("2025-01-02T01:00:00.5Z"), null]),
    ]);

    [Test]
    public async Task ArrowUpload_ReadsBackIdentically_InJsonCsvAndArrow()
    {
        using var client = Factory.CreateClient();

        var answer = await client.PostArrowAsync($"/runs?{Start}&known_time=2025-01-01T06:00:00Z&workflow_id=arrow-flow", TwoBatches()).ExpectAsync(201);

        Assert.That(answer.Num("rows_inserted"), Is.EqualTo(5));
        Assert.That(answer.GetProperty("series_ids").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "wind", "load, \"north\"", "solar ☀" }));
        var json = FormatReaders.FromJson((await client.ExpectReadAsync("/values")).Body);
        Assert.That(json.Rows.Select(r => System.Text.Json.JsonDocument.Parse(r).RootElement).Select(r => $"{r.Str("series_key")}@{r.Str("valid_time")}/{r.Str("valid_time_end")}={r.Str("value")}"),
            Is.EqualTo(new[]
            {
                "solar ☀@2025-01-02T00:00:00Z/=-2.5",
                "wind@2025-01-02T00:00:00Z/=1.5",
                "wind@2025-01-02T00:00:00Z/2025-01-02T01:00:00.5Z=0.30000000000000004",
                "load, \"north\"@2025-01-02T00:00:00.000001Z/=1E+20",
                "wind@2025-01-02T01:00:00Z/=",
            }));

        var arrow = FormatReaders.FromArrow((await client.ExpectReadAsync("/values?format=arrow")).Body);
        Assert.That(arrow.Rows, Is.EqualTo(json.Rows), "Arrow out");
        var csv = FormatReaders.CsvRecords((await client.ExpectReadAsync("/values?format=csv")).Text);
        using var document = System.Text.Json.JsonDocument.Parse((await client.ExpectReadAsync("/values")).Body);
        var expected = document.RootElement.GetProperty("data").EnumerateArray().Select(r => r.EnumerateObject().Select(p => FormatReaders.CsvText(p.Value)).ToArray());
        Assert.That(csv.Skip(1), Is.EqualTo(expected), "CSV out");
        var run = await client.GetAsync($"/runs/{answer.Id("run_id")}").ExpectAsync(200);
        Assert.That(run.Str("workflow_id"), Is.EqualTo("arrow-flow"));
        Assert.That(run.Str("known_time"), Is.EqualTo("2025-01-01T06:00:00Z"));
    }

    [Test]
    public async Task ArrowUpload_AcceptsOtherUnitsZonesNumberAndTextTypes()
    {
        using var client = Factory.CreateClient();
        var series = (await client.PostJsonAsync("/series", new { name = "load" }).ExpectAsync(201)).Id("series_id");
        var seconds = new TimestampType(TimeUnit.Second, (string?)null);
        var nanos = new TimestampType(TimeUnit.Nanosecond, "Europe/Berlin");
        var keys = new DictionaryArray(new DictionaryType(Int8Type.Default, StringType.Default, false),
            new Int8Array.Builder().Append(0).Append(0).Append(1).Build(), new StringArray.Builder().Append("wind").Append("load").Build());
        var stream = Write(
        [
            new ArrowStreams.Column("valid_time", seconds, [new TimestampArray.Builder(seconds).Append(T("2025-01-02T00:00:00Z")).Append(T("2025-01-02T01:00:00Z")).Append(T("2025-01-02T00:00:00Z")).Build()]),
            new ArrowStreams.Column("value_key", keys.Data.DataType, [keys]),
            new ArrowStreams.Column("value", Int64Type.Default, [new Int64Array.Builder().Append(7).AppendNull().Append(-3).Build()]),
            new ArrowStreams.Column("valid_time_end", nanos, [new TimestampArray.Builder(nanos).AppendNull().Append(T("2025-01-02T02:00:00.123456789Z")).AppendNull().Build()]),
            new ArrowStreams.Column("series_id", StringType.Default, [new StringArray.Builder().AppendNull().AppendNull().Append(series.ToString()).Build()]),
        ]);

        var answer = await client.PostArrowAsync($"/upload?{Start}", stream).ExpectAsync(201);

        Assert.That(answer.GetProperty("series_ids").Id("load"), Is.EqualTo(series));
        var rows = (await client.GetAsync("/values").ExpectAsync(200)).Data();
        Assert.That(rows.Select(r => $"{r.Str("series_key")}@{r.Str("valid_time")}/{r.Str("valid_time_end")}={r.Str("value")}"), Is.EqualTo(new[]
        {
            "load@2025-01-02T00:00:00Z/=-3",
            "wind@2025-01-02T00:00:00Z/=7",
            "wind@2025-01-02T01:00:00Z/2025-01-02T02:00:00.123456Z=",
        }), "a zone-less timestamp is UTC; a zoned one is the same instant; nanoseconds end at PostgreSQL's microseconds");
    }

    [Test]
    public async Task ArrowUpload_WithOnlyTheSchema_StoresARunWithoutValues()
    {
        using var client = Factory.CreateClient();
        var stream = Write([Texts("value_key", []), Doubles("value", []), Times("valid_time", [])]);
        var answer = await client.PostArrowAsync($"/runs?{Start}", stream).ExpectAsync(201);
        Assert.That(answer.Num("rows_inserted"), Is.Zero);
    }

    private static byte[] Valid(params ArrowStreams.Column[] extra) =>
        Write([Texts("value_key", ["wind", "wind"], ["wind", "wind"]), Doubles("value", [1, 2], [3, 4]),
            Times("valid_time", [T("2025-01-02T00:00:00Z"), T("2025-01-02T01:00:00Z")], [T("2025-01-02T02:00:00Z"), T("2025-01-02T03:00:00Z")]), .. extra]);

    private static IEnumerable<TestCaseData> BadArrow()
    {
        TestCaseData Case(string name, byte[] stream, string location, string expected, string query = Start) =>
            new TestCaseData(query, stream, location, expected).SetName($"ArrowUpload_{name}_Is400NamingIt_AndStoresNothing");

        var valid = Valid();
        yield return Case("MissingColumn", Write([Doubles("value", [1]), Times("valid_time", [T("2025-01-02T00:00:00Z")])]), "schema", "no column value_key");
        yield return Case("UnknownColumn", Valid(Texts("colour", ["red", "red"], ["red", "red"])), "schema", "unknown column 'colour'");
        yield return Case("ColumnTwice", Valid(Doubles("value", [1, 2], [3, 4])), "schema", "more than once");
        yield return Case("TimeAsText", Write([Texts("value_key", ["wind"]), Doubles("value", [1]), Texts("valid_time", ["2025-01-02T00:00:00Z"])]),
            "schema", "column valid_time has type utf8; expected a timestamp");
        yield return Case("ValueAsText", Write([Texts("value_key", ["wind"]), Texts("value", ["1"]), Times("valid_time", [T("2025-01-02T00:00:00Z")])]),
            "schema", "column value has type utf8; expected float64");
        yield return Case("KeyAsNumber", Write([Doubles("value_key", [1]), Doubles("value", [1]), Times("valid_time", [T("2025-01-02T00:00:00Z")])]),
            "schema", "column value_key has type double");
        yield return Case("CutInsideABatch", valid[..(valid.Length - 40)], "body", "cut short");
        yield return Case("CutAtABatchBoundary", Write([Texts("value_key", ["wind"]), Doubles("value", [1]), Times("valid_time", [T("2025-01-02T00:00:00Z")])], end: false),
            "body", "end-of-stream marker");
        yield return Case("CsvSentAsArrow", Encoding.UTF8.GetBytes("valid_time,value_key,value\n2025-01-02T00:00:00Z,wind,1\n"), "body", "not an Arrow IPC stream");
        yield return Case("ArrowFileFormat", FileFormat(), "body", "not an Arrow IPC stream");
        yield return Case("CompressedBatch", Write([Texts("value_key", ["wind"]), Doubles("value", [1]), Times("valid_time", [T("2025-01-02T00:00:00Z")])], compressed: true),
            "body", "uncompressed");
        yield return Case("OversizedBatch", WithBodyLength(valid, 100L * 1024 * 1024), "body", "larger than the 64 MiB");
        yield return Case("MissingTimeInTheSecondBatch",
            Write([Texts("value_key", ["wind", "wind"], ["wind", "wind"]), Doubles("value", [1, 2], [3, 4]),
                Times("valid_time", [T("2025-01-02T00:00:00Z"), T("2025-01-02T01:00:00Z")], [T("2025-01-02T02:00:00Z"), null])]),
            "row 4, column valid_time", "valid_time is required");
        yield return Case("BlankKey", Write([Texts("value_key", ["wind", " "]), Doubles("value", [1, 2]), Times("valid_time", [T("2025-01-02T00:00:00Z"), T("2025-01-02T01:00:00Z")])]),
            "row 2, column value_key", "must not be blank");
        yield return Case("NullKey", Write([Texts("value_key", new string?[] { null }), Doubles("value", [1]), Times("valid_time", [T("2025-01-02T00:00:00Z")])]),
            "row 1, column value_key", "value_key");
        yield return Case("KeyOverCap", Write([Texts("value_key", [new string('k', 257)]), Doubles("value", [1]), Times("valid_time", [T("2025-01-02T00:00:00Z")])]),
            "row 1, column value_key", "256");
        yield return Case("NaN", Write([Texts("value_key", ["wind"]), Doubles("value", [double.NaN]), Times("valid_time", [T("2025-01-02T00:00:00Z")])]),
            "row 1, column value", "finite");
        yield return Case("EndBeforeStart", Valid(Times("valid_time_end", [null, T("2025-01-01T00:00:00Z")], [null, null])), "row 2, column valid_time_end", "must be later");
        yield return Case("BadSeriesId", Valid(Texts("series_id", [null, null], [null, "nope"])), "row 4, column series_id", "'nope' is not a UUID");
        yield return Case("DuplicateRow", Write([Texts("value_key", ["wind"], ["wind"]), Doubles("value", [1], [2]), Times("valid_time", [T("2025-01-02T00:00:00Z")], [T("2025-01-02T00:00:00Z")])]),
            "row 2", "one upload may hold each (series, valid_time, valid_time_end) once");
        yield return Case("MissingRunStartTime", valid, "run_start_time", "run_start_time is required", query: "");
        yield return Case("UnknownParameter", valid, "workflow", "not a parameter of an upload", query: $"{Start}&workflow=x");
        yield return Case("RunParamsNotAnObject", valid, "run_params", "must be a JSON object", query: $"{Start}&run_params=%5B1%5D");
    }

    [TestCaseSource(nameof(BadArrow))]
    public async Task BadArrowUpload_Is400NamingWhatIsWrong_AndStoresNothing(string query, byte[] stream, string location, string expected)
    {
        using var client = Factory.CreateClient();
        using var response = await client.PostArrowAsync($"/runs?{query}", stream);
        var problem = await response.JsonAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToString());
        Assert.That(problem.GetProperty("errors").TryGetProperty(location, out var messages), Is.True, $"errors name '{location}': {problem}");
        Assert.That(messages.EnumerateArray().Select(m => m.GetString()), Has.Some.Contains(expected), problem.ToString());
        Assert.That(await CountAsync("runs") + await CountAsync("series") + await CountAsync("values"), Is.Zero);
    }

    [Test]
    public async Task ArrowUpload_BatchDeclaringTwoGigabytes_IsRefusedBeforeItIsAllocated()
    {
        // Eight bytes: a continuation marker and a metadata length of ~2 GB. The reader would rent that much.
        using var client = Factory.CreateClient();
        var problem = await client.PostArrowAsync($"/runs?{Start}", [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x7F]).ExpectAsync(400);
        Assert.That(problem.GetProperty("errors").GetProperty("body")[0].GetString(), Does.Contain("not an Arrow IPC stream"));
    }

    [Test]
    public async Task ArrowUpload_SameIdempotencyKey_ReplaysTheFirstAnswer_AndOtherRunFieldsConflict()
    {
        using var client = Factory.CreateClient();
        var stream = TwoBatches();
        var first = await client.PostArrowAsync($"/runs?{Start}&workflow_id=a", stream, "arrow-1").ExpectAsync(201);

        using (var retry = await client.PostArrowAsync($"/upload?{Start}&workflow_id=a", stream, "arrow-1"))
        {
            Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(retry.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
            Assert.That((await retry.JsonAsync()).Id("run_id"), Is.EqualTo(first.Id("run_id")));
        }

        await client.PostArrowAsync($"/runs?{Start}&workflow_id=b", stream, "arrow-1").ExpectAsync(409);
        await client.PostArrowAsync($"/runs?{Start}&workflow_id=a", Valid(), "arrow-1").ExpectAsync(409);
        Assert.That(await CountAsync("runs"), Is.EqualTo(1));
        Assert.That(await CountAsync("values"), Is.EqualTo(5));
    }

    /// <summary>The same rows in the Arrow file format (ARROW1 magic, footer), which an upload does not take.</summary>
    private static byte[] FileFormat()
    {
        var column = Texts("value_key", ["wind"]);
        var schema = new Apache.Arrow.Schema([new Field(column.Name, column.Type, true)], null);
        using var stream = new MemoryStream();
        using (var writer = new ArrowFileWriter(stream, schema, leaveOpen: true))
        {
            using var batch = new RecordBatch(schema, column.Batches, 1);
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        return stream.ToArray();
    }

    /// <summary>
    /// <paramref name="stream"/> with its first record batch declaring a body of <paramref name="length"/> bytes: the
    /// batch's real body length (what lies between its metadata and the next message) is found in its metadata and replaced.
    /// </summary>
    private static byte[] WithBodyLength(byte[] stream, long length)
    {
        var bytes = (byte[])stream.Clone();
        var schemaEnd = 8 + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        var metadataLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(schemaEnd + 4));
        var metadata = bytes.AsSpan(schemaEnd + 8, metadataLength);
        var bodyStart = schemaEnd + 8 + metadataLength;
        for (var body = 8L; bodyStart + body <= bytes.Length - 8; body += 8)
        {
            if (BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)(bodyStart + body))) != -1)
            {
                continue;
            }

            for (var at = 0; at + 8 <= metadata.Length; at += 8)
            {
                if (BinaryPrimitives.ReadInt64LittleEndian(metadata[at..]) == body)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(metadata[at..], length);
                    return bytes;
                }
            }
        }

        throw new InvalidOperationException("the batch's body length was not found in its metadata");
    }
}
