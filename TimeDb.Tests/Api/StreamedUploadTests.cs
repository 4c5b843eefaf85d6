using System.Net;
using System.Text;
using TimeDb.Api.Hosting;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

/// <summary>The upload body is parsed as it arrives: chunk boundaries, key order and odd input must not matter.</summary>
public sealed class StreamedUploadTests : DatabaseTest
{
    /// <summary>Sends the body a few bytes at a time, flushing each, so tokens straddle reads.</summary>
    private sealed class TrickleContent(string body, int chunk) : HttpContent
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(body);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var i = 0; i < _bytes.Length; i += chunk)
            {
                await stream.WriteAsync(_bytes.AsMemory(i, Math.Min(chunk, _bytes.Length - i)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    private static string Body(int rows, bool rowsFirst)
    {
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var valueRows = string.Join(",", Enumerable.Range(0, rows).Select(i =>
            $$$"""{"value_key":"k{{{i % 3}}}","valid_time":"{{{start.AddHours(i):yyyy-MM-ddTHH:mm:ss}}}Z","value":{{{i}}}.25,"ignored":{"nested":[1,2,{"x":null}]}}"""));
        var run = """ "run_start_time":"2025-01-01T00:00:00Z","known_time":"2025-01-01T06:00:00","run_params":{"a":{"b":[1,2,3]},"s":"x,y}"},"series_units":{"k0":"MW"},"unknown_field":[{"}":"]"}] """;
        return rowsFirst ? $$"""{"value_rows":[{{valueRows}}],{{run}}}""" : $$"""{ {{run}},"value_rows":[{{valueRows}}]}""";
    }

    [TestCase(1, false)]
    [TestCase(3, true)]
    [TestCase(17, false)]
    public async Task Body_TrickledInSmallChunks_IsParsedExactly(int chunk, bool rowsFirst)
    {
        await using var api = await TimeDbApi.StartAsync(["--urls", $"http://127.0.0.1:{FreePort.Next()}"],
            b => b.Configuration[TimeDbApi.DsnSetting] = ConnectionString);
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        using var content = new TrickleContent(Body(40, rowsFirst), chunk);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync(new Uri("/runs", UriKind.Relative), content);
        var body = await response.JsonAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToString());
        Assert.That(body.GetProperty("rows_inserted").GetInt64(), Is.EqualTo(40));
        var rows = (await client.GetAsync("/values?mode=overlapping").ExpectAsync(200)).Data();
        Assert.That(rows, Has.Count.EqualTo(40));
        Assert.That(rows.Sum(r => r.Num("value")), Is.EqualTo(Enumerable.Range(0, 40).Sum(i => i + 0.25)));
        Assert.That(rows[0].Str("known_time"), Is.EqualTo("2025-01-01T06:00:00Z"));
        Assert.That(rows.Where(r => r.Str("series_key") == "k0").Select(r => r.Str("series_unit")), Has.All.EqualTo("MW"));
        var run = await client.GetAsync($"/runs/{body.Id("run_id")}").ExpectAsync(200);
        Assert.That(run.GetProperty("run_params").GetProperty("s").GetString(), Is.EqualTo("x,y}"));
    }

    [TestCase("1e400", "out of range")]
    [TestCase("true", "expected a number")]
    [TestCase("[1]", "expected a number")]
    public async Task Value_NotAFiniteNumber_Is400(string value, string expected)
    {
        using var client = Factory.CreateClient();
        var problem = await client.PostRawAsync("/runs",
            $$"""{"run_start_time":"2025-01-01T00:00:00Z","value_rows":[{"value_key":"k","valid_time":"2025-01-01T00:00:00Z","value":{{value}}}]}""").ExpectAsync(400);
        Assert.That(problem.Str("detail"), Does.Contain("value_rows[0].value").And.Contain(expected));
        Assert.That(await Uploads.CountAsync("runs"), Is.Zero);
    }

    [Test]
    public async Task ManyBadRows_ReportAFewErrors_NotAMillion()
    {
        using var client = Factory.CreateClient();
        var rows = string.Join(",", Enumerable.Range(0, 5000).Select(_ => """{"value_key":" ","valid_time":"2025-01-01T00:00:00Z"}"""));
        var problem = await client.PostRawAsync("/runs", $$"""{"run_start_time":"2025-01-01T00:00:00Z","value_rows":[{{rows}}]}""").ExpectAsync(400);
        Assert.That(problem.GetProperty("errors").EnumerateObject().Count(), Is.LessThanOrEqualTo(20));
        Assert.That(problem.Str("detail"), Does.Contain("value_rows[0].value_key"));
    }

    [Test]
    public async Task TrailingGarbage_Or_TruncatedBody_Is400()
    {
        using var client = Factory.CreateClient();
        var truncated = await client.PostRawAsync("/runs", """{"run_start_time":"2025-01-01T00:00:00Z","value_rows":[{"value_key":"k","valid""").ExpectAsync(400);
        Assert.That(truncated.Str("detail"), Does.Contain("malformed JSON"));
        Assert.That(await Uploads.CountAsync("runs"), Is.Zero);
    }

    [TestCase("value_key")]
    [TestCase("unknown_field")]
    public async Task OneValueOver16MB_Is400_WithoutHoldingIt(string field)
    {
        using var client = Factory.CreateClient();
        var huge = new string('k', 20 * 1024 * 1024);
        var body = field == "value_key"
            ? $$"""{"run_start_time":"2025-01-01T00:00:00Z","value_rows":[{"valid_time":"2025-01-01T00:00:00Z","value_key":"{{huge}}","value":1}]}"""
            : $$"""{"run_start_time":"2025-01-01T00:00:00Z","unknown_field":["{{huge}}"],"value_rows":[]}""";

        var problem = await client.PostRawAsync("/runs", body).ExpectAsync(400);

        Assert.That(problem.GetProperty("errors").TryGetProperty("body", out var messages), Is.True, problem.ToString());
        Assert.That(messages[0].GetString(), Does.Contain("larger than 16 MB"));
        Assert.That(await Uploads.CountAsync("runs"), Is.Zero);
    }

    [TestCase("[1]", "value_rows[0]", "expected a JSON object")]
    [TestCase("[{\"value_key\":\"k\",\"valid_time\":\"2025-01-01T00:00:00Z\"},null]", "value_rows[1]", "must be an object")]
    [TestCase("[{\"value_key\":\"k\",\"valid_time\":\"2025-01-01T00:00:00Z\",\"series_id\":{\"a\":[1]}}]", "value_rows[0].series_id", "UUID")]
    [TestCase("\"x\"", "value_rows", "expected an array")]
    public async Task BadRow_IsNamedByItsIndexAndField(string rows, string location, string expected)
    {
        using var client = Factory.CreateClient();
        var problem = await client.PostRawAsync("/runs", $$"""{"run_start_time":"2025-01-01T00:00:00Z","value_rows":{{rows}}}""").ExpectAsync(400);
        Assert.That(problem.GetProperty("errors").TryGetProperty(location, out var messages), Is.True, problem.ToString());
        Assert.That(messages[0].GetString(), Does.Contain(expected));
    }
}
