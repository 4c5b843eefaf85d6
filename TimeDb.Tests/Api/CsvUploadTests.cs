using System.Net;
using System.Text;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Api;

/// <summary>
/// <c>POST /runs</c> with <c>Content-Type: text/csv</c> (SPEC §11): the run's fields as query parameters, the rows as
/// columns in any order, the same validation, atomicity and answer as a JSON upload.
/// </summary>
public sealed class CsvUploadTests : DatabaseTest
{
    private const string Start = "run_start_time=2025-01-01T00:00:00Z";

    [Test]
    public async Task CsvUpload_EveryColumnInAnyOrder_ReadsBackAsSent()
    {
        using var client = Factory.CreateClient();
        var load = (await client.PostJsonAsync("/series", new { name = "load", unit = "MW" }).ExpectAsync(201)).Id("series_id");
        var csv = $""""
            series_id,value,valid_time_end,value_key,valid_time
            ,1.5,,wind,2025-01-02T00:00:00Z
            ,,,wind,2025-01-02T01:00:00
            ,-2.5e3,2025-01-02T01:00:00Z,energy,2025-01-02T00:00:00+00:00
            {load},7,,load,2025-01-02T00:00:00Z
            ,3,,"quoted, ""key""",2025-01-02T00:00:00Z

            """";

        var answer = await client.PostCsvAsync($"/runs?{Start}&known_time=2025-01-01T06:00:00Z&workflow_id=csv-flow&run_params=%7B%22model%22%3A%22ecmwf%22%7D", csv)
            .ExpectAsync(201);

        Assert.That(answer.Num("rows_inserted"), Is.EqualTo(5));
        Assert.That(answer.GetProperty("series_ids").Id("load"), Is.EqualTo(load));
        var rows = (await client.GetAsync("/values").ExpectAsync(200)).Data();
        var byKey = rows.ToLookup(r => r.Str("series_key"));
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(5));
            Assert.That(byKey["wind"].Select(r => (r.Str("valid_time"), r.Num("value"))),
                Is.EqualTo(new[] { ("2025-01-02T00:00:00Z", (double?)1.5), ("2025-01-02T01:00:00Z", null) }), "no offset is UTC; an empty value is null");
            Assert.That(byKey["energy"].Single().Str("valid_time_end"), Is.EqualTo("2025-01-02T01:00:00Z"));
            Assert.That(byKey["energy"].Single().Num("value"), Is.EqualTo(-2500));
            Assert.That(byKey["wind"].First().GetProperty("valid_time_end").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(byKey["load"].Single().Str("series_unit"), Is.EqualTo("MW"));
            Assert.That(byKey["quoted, \"key\""].Single().Num("value"), Is.EqualTo(3), "RFC 4180 quoting");
            Assert.That(rows.Select(r => r.Str("known_time")).Distinct(), Is.EqualTo(new[] { "2025-01-01T06:00:00Z" }));
        });

        var run = await client.GetAsync($"/runs/{answer.Id("run_id")}").ExpectAsync(200);
        Assert.That(run.Str("workflow_id"), Is.EqualTo("csv-flow"));
        Assert.That(run.GetProperty("run_params").GetProperty("model").GetString(), Is.EqualTo("ecmwf"));
    }

    [Test]
    public async Task CsvUpload_OnTheUploadAlias_WithOnlyAHeader_StoresARunWithoutValues()
    {
        using var client = Factory.CreateClient();
        var answer = await client.PostCsvAsync($"/upload?{Start}", "valid_time,value_key,value\r\n").ExpectAsync(201);
        Assert.That(answer.Num("rows_inserted"), Is.Zero);
        Assert.That(await CountAsync("runs"), Is.EqualTo(1));
    }

    private static IEnumerable<TestCaseData> BadCsv()
    {
        const string header = "valid_time,value_key,value\n";
        TestCaseData Case(string name, string query, string csv, string location, string expected) =>
            new TestCaseData(query, csv, location, expected).SetName($"CsvUpload_{name}_Is400NamingIt_AndStoresNothing");

        yield return Case("MissingHeader", Start, "2025-01-02T00:00:00Z,wind,1\n", "header", "unknown column '2025-01-02T00:00:00Z'");
        yield return Case("EmptyBody", Start, "\n", "body", "header row");
        yield return Case("UnknownColumn", Start, "valid_time,value_key,value,colour\n2025-01-02T00:00:00Z,wind,1,red\n", "header", "unknown column 'colour'");
        yield return Case("MissingRequiredColumn", Start, "valid_time,value\n2025-01-02T00:00:00Z,1\n", "header", "no column value_key");
        yield return Case("ColumnTwice", Start, "valid_time,value_key,value,value\n", "header", "more than once");
        yield return Case("RaggedRow", Start, header + "2025-01-02T00:00:00Z,wind,1\n2025-01-02T01:00:00Z,wind\n", "row 2", "2 fields; the header has 3");
        yield return Case("BadTime", Start, header + "2025-01-02T00:00:00Z,wind,1\nyesterday,wind,2\n", "row 2, column valid_time", "'yesterday' is not an ISO 8601 time");
        yield return Case("BadEnd", Start, "valid_time,value_key,value,valid_time_end\n2025-01-02T00:00:00Z,wind,1,2025-01-01T00:00:00Z\n", "row 1, column valid_time_end", "must be later");
        yield return Case("BadNumber", Start, header + "2025-01-02T00:00:00Z,wind,1,5\n", "row 1", "4 fields");
        yield return Case("NotANumber", Start, header + "2025-01-02T00:00:00Z,wind,one\n", "row 1, column value", "'one' is not a number");
        yield return Case("NaN", Start, header + "2025-01-02T00:00:00Z,wind,NaN\n", "row 1, column value", "finite");
        yield return Case("BlankKey", Start, header + "2025-01-02T00:00:00Z, ,1\n", "row 1, column value_key", "must not be blank");
        yield return Case("MissingTime", Start, header + ",wind,1\n", "row 1, column valid_time", "valid_time is required");
        yield return Case("KeyOverCap", Start, header + $"2025-01-02T00:00:00Z,{new string('k', 257)},1\n", "row 1, column value_key", "256");
        yield return Case("BadSeriesId", Start, "valid_time,value_key,value,series_id\n2025-01-02T00:00:00Z,wind,1,nope\n", "row 1, column series_id", "not a UUID");
        yield return Case("DuplicateRow", Start, header + "2025-01-02T00:00:00Z,wind,1\n2025-01-02T01:00:00Z,wind,2\n2025-01-02T00:00:00Z,wind,3\n", "row 3",
            "row 3 repeats value_key 'wind' at valid_time 2025-01-02T00:00:00Z: one upload may hold each (series, valid_time, valid_time_end) once (first at row 1)");
        yield return Case("UnclosedQuote", Start, header + "2025-01-02T00:00:00Z,\"wind,1\n", "row 1", "malformed CSV");
        yield return Case("NulInKey", Start, header + "2025-01-02T00:00:00Z,a\0b,1\n", "row 1, column value_key", "NUL");
        yield return Case("UnclosedQuoteOver64kB", Start, header + "2025-01-02T00:00:00Z,\"" + new string('k', 1_000_000) + ",1\n", "row 1", "malformed CSV");
        yield return Case("BinaryGarbage", Start, "\u0001\u0002\u0003,\u00ff\n", "header", "unknown column");
        yield return Case("MissingRunStartTime", "", header + "2025-01-02T00:00:00Z,wind,1\n", "run_start_time", "run_start_time is required");
        yield return Case("BadRunStartTime", "run_start_time=soon", header, "run_start_time", "not an ISO 8601 time");
        yield return Case("RunParamsNotAnObject", $"{Start}&run_params=%5B1%5D", header, "run_params", "must be a JSON object");
        yield return Case("RunParamsNotJson", $"{Start}&run_params=%7Bmodel%7D", header, "run_params", "not valid JSON");
        yield return Case("RunParamsTooDeep", $"{Start}&run_params={Uri.EscapeDataString(string.Concat(Enumerable.Repeat("{\"a\":", 17)) + "1" + new string('}', 17))}", header,
            "run_params", "16 levels");
        yield return Case("WorkflowIdOverCap", $"{Start}&workflow_id={new string('w', 257)}", header, "workflow_id", "256");
        yield return Case("BlankWorkflowId", $"{Start}&workflow_id=%20", header, "workflow_id", "must not be blank");
        // tenant_id in the query is read (and refused) by the tenant context for every endpoint alike: a plain 400.
        yield return Case("BadTenantId", $"{Start}&tenant_id=me", header, "", "tenant_id must be one UUID");
        yield return Case("UnknownParameter", $"{Start}&workflow=x", header, "workflow", "not a parameter of an upload");
        yield return Case("JsonOnlyParameter", $"{Start}&series_units=MW", header, "series_units", "only in a JSON body");
        yield return Case("RepeatedParameter", $"{Start}&{Start}", header, "run_start_time", "given 2 times");
    }

    [TestCaseSource(nameof(BadCsv))]
    public async Task BadCsvUpload_Is400NamingTheRowAndColumn_AndStoresNothing(string query, string csv, string location, string expected)
    {
        using var client = Factory.CreateClient();
        using var response = await client.PostCsvAsync($"/runs?{query}", csv);
        var problem = await response.JsonAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToString());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        if (location.Length == 0)
        {
            Assert.That(problem.Str("detail"), Does.Contain(expected));
        }
        else
        {
            Assert.That(problem.GetProperty("errors").TryGetProperty(location, out var messages), Is.True, $"errors name '{location}': {problem}");
            Assert.That(messages.EnumerateArray().Select(m => m.GetString()), Has.Some.Contains(expected), problem.ToString());
        }

        Assert.That(await CountAsync("runs") + await CountAsync("series") + await CountAsync("values"), Is.Zero);
    }

    [Test]
    public async Task CsvUpload_ManyBadRows_ReportAFewErrors()
    {
        using var client = Factory.CreateClient();
        var csv = "valid_time,value_key,value\n" + string.Concat(Enumerable.Repeat("2025-01-02T00:00:00Z,,1\n", 5000));
        var problem = await client.PostCsvAsync($"/runs?{Start}", csv).ExpectAsync(400);
        Assert.That(problem.GetProperty("errors").EnumerateObject().Count(), Is.LessThanOrEqualTo(20));
        Assert.That(problem.Str("detail"), Does.Contain("row 1, column value_key"));
    }

    [Test]
    public async Task CsvUpload_InvalidUtf8Key_Is400()
    {
        using var client = Factory.CreateClient();
        var bytes = Encoding.UTF8.GetBytes("valid_time,value_key,value\n2025-01-02T00:00:00Z,").Concat(new byte[] { 0xFF, 0xFE }).Concat(",1\n"u8.ToArray()).ToArray();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        var problem = await client.PostAsync(new Uri($"/runs?{Start}", UriKind.Relative), content).ExpectAsync(400);
        Assert.That(problem.Str("detail"), Does.Contain("row 1, column value_key").And.Contain("UTF-8"));
        Assert.That(await CountAsync("runs"), Is.Zero);
    }

    [Test]
    public async Task CsvUpload_InAnotherCharset_Is415()
    {
        using var client = Factory.CreateClient();
        using var content = new StringContent("valid_time,value_key,value\n");
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", "text/csv; charset=latin1");
        using var response = await client.PostAsync(new Uri($"/runs?{Start}", UriKind.Relative), content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }
}
