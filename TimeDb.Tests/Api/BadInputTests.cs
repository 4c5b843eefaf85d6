using System.Net;
using Microsoft.AspNetCore.Hosting;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Api;

/// <summary>Every bad input of SPEC §5 answers a precise 4xx problem and stores nothing.</summary>
public sealed class BadInputTests : DatabaseTest
{
    private const string Start = "\"run_start_time\":\"2025-01-01T00:00:00Z\"";

    public static IEnumerable<TestCaseData> BadUploads()
    {
        yield return new TestCaseData("{\"run_start_time\": ", "malformed JSON").SetName("Upload_MalformedJson_Is400");
        yield return new TestCaseData("[1,2]", "wrong type").SetName("Upload_BodyNotAnObject_Is400");
        yield return new TestCaseData("{\"value_rows\":[]}", "run_start_time is required").SetName("Upload_MissingRunStartTime_Is400");
        yield return new TestCaseData($"{{{Start}}}", "value_rows is required").SetName("Upload_MissingValueRows_Is400");
        yield return new TestCaseData("{\"run_start_time\":12,\"value_rows\":[]}", "run_start_time").SetName("Upload_RunStartTimeNotAString_Is400");
        yield return new TestCaseData("{\"run_start_time\":\"yesterday\",\"value_rows\":[]}", "ISO 8601").SetName("Upload_RunStartTimeNotIso_Is400");
        yield return new TestCaseData($"{{{Start},\"value_rows\":[{{\"valid_time\":\"2025-01-02T00:00:00Z\",\"value_key\":\"w\",\"value\":\"1.5\"}}]}}", "expected a number").SetName("Upload_ValueAsString_Is400");
        yield return new TestCaseData($"{{{Start},\"value_rows\":[{{\"valid_time\":\"2025-01-02T00:00:00Z\",\"value_key\":\"w\",\"value\":\"NaN\"}}]}}", "expected a number").SetName("Upload_NaNString_Is400");
        yield return new TestCaseData($"{{{Start},\"value_rows\":[{{\"valid_time\":\"2025-01-02T00:00:00Z\",\"value_key\":\"  \",\"value\":1}}]}}", "value_key").SetName("Upload_BlankValueKey_Is400");
        yield return new TestCaseData($"{{{Start},\"value_rows\":[{{\"valid_time\":\"2025-01-02T00:00:00Z\",\"value\":1}}]}}", "value_key").SetName("Upload_MissingValueKey_Is400");
        yield return new TestCaseData($"{{{Start},\"value_rows\":[{{\"value_key\":\"w\",\"value\":1}}]}}", "valid_time is required").SetName("Upload_MissingValidTime_Is400");
        yield return new TestCaseData($"{{{Start},\"value_rows\":[{{\"valid_time\":null,\"value_key\":\"w\",\"value\":1}}]}}", "valid_time is required").SetName("Upload_NullValidTime_Is400");
        yield return new TestCaseData($"{{{Start},\"value_rows\":[{{\"valid_time\":\"2025-01-02T00:00:00Z\",\"valid_time_end\":\"2025-01-02T00:00:00Z\",\"value_key\":\"w\",\"value\":1}}]}}", "valid_time_end must be later").SetName("Upload_EndEqualToStart_Is400");
        yield return new TestCaseData($"{{{Start},\"value_rows\":[{{\"valid_time\":\"2025-01-02T00:00:00Z\",\"valid_time_end\":\"2025-01-01T00:00:00Z\",\"value_key\":\"w\",\"value\":1}}]}}", "valid_time_end must be later").SetName("Upload_EndBeforeStart_Is400");
        yield return new TestCaseData($"{{{Start},\"value_rows\":[{{\"valid_time\":\"2025-01-02T00:00:00Z\",\"value_key\":\"w\",\"value\":1}},{{\"valid_time\":\"2025-01-02T01:00:00+01:00\",\"value_key\":\"w\",\"value\":2}}]}}", "repeats value_key 'w' at valid_time 2025-01-02T00:00:00Z: ").SetName("Upload_DuplicateRecord_Is400");
        yield return new TestCaseData($"{{{Start},\"run_params\":[1,2],\"value_rows\":[]}}", "run_params must be a JSON object").SetName("Upload_RunParamsArray_Is400");
        yield return new TestCaseData($"{{{Start},\"run_params\":\"x\",\"value_rows\":[]}}", "run_params must be a JSON object").SetName("Upload_RunParamsString_Is400");
        yield return new TestCaseData($"{{{Start},\"workflow_id\":\" \",\"value_rows\":[]}}", "workflow_id").SetName("Upload_BlankWorkflowId_Is400");
        yield return new TestCaseData($"{{{Start},\"tenant_id\":\"not-a-uuid\",\"value_rows\":[]}}", "UUID").SetName("Upload_BadTenantId_Is400");
        yield return new TestCaseData("", "body").SetName("Upload_EmptyBody_Is400");
    }

    [TestCaseSource(nameof(BadUploads))]
    public async Task BadUpload_Is400Problem_AndStoresNothing(string body, string expectedInDetail)
    {
        using var client = Factory.CreateClient();
        using var response = await client.PostRawAsync("/runs", body);
        var problem = await response.JsonAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToString());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.Str("title"), Is.Not.Empty);
        Assert.That(problem.Str("detail").ToLowerInvariant(), Does.Contain(expectedInDetail.ToLowerInvariant()));
        Assert.That(await CountAsync("runs") + await CountAsync("series") + await CountAsync("values"), Is.Zero);
    }

    [TestCase("/values?mode=sideways", "mode 'sideways' is not valid")]
    [TestCase("/values?start_valid=2025-02-01&end_valid=2025-01-01", "start_valid is after end_valid")]
    [TestCase("/values?start_known=2025-02-01T00:00:00Z&end_known=2025-01-01T00:00:00Z", "start_known is after end_known")]
    [TestCase("/values?all_versions=true", "all_versions applies to mode=overlapping")]
    [TestCase("/values?start_valid=tomorrow", "not an ISO 8601 time")]
    [TestCase("/values?series_id=abc", "series_id")]
    [TestCase("/values?all_versions=maybe&mode=overlapping", "all_versions")]
    [TestCase("/runs?limit=0", "limit must be from 1 to 10000")]
    [TestCase("/runs?start_time=2025-02-01&end_time=2025-01-01", "start_time is after end_time")]
    public async Task BadQuery_Is400Problem(string url, string expectedInDetail)
    {
        using var client = Factory.CreateClient();
        var problem = await client.GetAsync(url).ExpectAsync(400);
        Assert.That(problem.Str("detail"), Does.Contain(expectedInDetail));
    }

    [TestCase("{}", "updates is required")]
    [TestCase("{\"updates\":[]}", "updates must not be empty")]
    [TestCase("{\"updates\":[{\"series_id\":\"00000000-0000-0000-0000-000000000001\",\"valid_time\":\"2025-01-01T00:00:00Z\",\"value\":1}]}", "run_id is required")]
    [TestCase("{\"updates\":[{\"run_id\":\"00000000-0000-0000-0000-000000000001\",\"series_id\":\"00000000-0000-0000-0000-000000000001\",\"valid_time\":\"2025-01-01T00:00:00Z\"}]}", "at least one of value, annotation or tags")]
    [TestCase("{\"updates\":[{\"run_id\":\"00000000-0000-0000-0000-000000000001\",\"series_id\":\"00000000-0000-0000-0000-000000000001\",\"valid_time\":\"2025-01-01T00:00:00Z\",\"tags\":\"x\"}]}", "tags")]
    public async Task BadUpdate_Is400Problem(string body, string expectedInDetail)
    {
        using var client = Factory.CreateClient();
        var problem = await client.PutRawAsync("/values", body).ExpectAsync(400);
        Assert.That(problem.Str("detail"), Does.Contain(expectedInDetail));
    }

    [TestCase("{\"name\":\"  \"}", "name is required")]
    [TestCase("{\"description\":\"x\"}", "name is required")]
    [TestCase("{\"name\":\"a\",\"unit\":\" \"}", "unit must not be blank")]
    public async Task BadSeries_Is400Problem_AndStoresNothing(string body, string expectedInDetail)
    {
        using var client = Factory.CreateClient();
        var problem = await client.PostRawAsync("/series", body).ExpectAsync(400);
        Assert.That(problem.Str("detail"), Does.Contain(expectedInDetail));
        Assert.That(await CountAsync("series"), Is.Zero);
    }

    [Test]
    public async Task WrongContentType_Is415Problem()
    {
        using var client = Factory.CreateClient();
        using var response = await client.PostRawAsync("/runs", "run_start_time=2025", "text/plain");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task TooLargeBody_Is413Problem_AndStoresNothing()
    {
        var port = FreePort.Next();
        await using var api = await TimeDb.Api.Hosting.TimeDbApi.StartAsync(["--urls", $"http://127.0.0.1:{port}"], b =>
        {
            b.Configuration[TimeDb.Api.Hosting.TimeDbApi.DsnSetting] = ConnectionString;
            b.Configuration["TimeDb:Limits:MaxUploadBodyBytes"] = "2000";
            b.Configuration["TimeDb:Limits:MaxRequestBodyBytes"] = "1000";
        });
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        var rows = Enumerable.Range(0, 100).Select(i => Row("wind", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i).ToString("O"), i)).ToArray();

        using var upload = await client.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", rows));
        using var series = await client.PostJsonAsync("/series", new { name = new string('x', 500), description = new string('y', 1000) });

        Assert.That(upload.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await upload.Content.ReadAsStringAsync());
        Assert.That(upload.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(series.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await CountAsync("runs") + await CountAsync("series") + await CountAsync("values"), Is.Zero);

        // Under the upload limit but over the general one: uploads have their own, larger limit.
        using var small = await client.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", rows.Take(12).ToArray()));
        Assert.That(small.StatusCode, Is.EqualTo(HttpStatusCode.Created), await small.Content.ReadAsStringAsync());
    }
}
