using System.Net;
using System.Text.Json;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

public sealed class DocsTests : DatabaseTest
{
    [Test]
    public async Task OpenApiDocument_DeclaresTheApiKeyScheme()
    {
        using var client = Factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/openapi.json", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var scheme = json.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Multiple(() =>
        {
            Assert.That(scheme.GetProperty("type").GetString(), Is.EqualTo("apiKey"));
            Assert.That(scheme.GetProperty("in").GetString(), Is.EqualTo("header"));
            Assert.That(scheme.GetProperty("name").GetString(), Is.EqualTo("X-API-Key"));
            Assert.That(json.RootElement.GetProperty("paths").TryGetProperty("/health/ready", out _), Is.True);
        });
    }

    [TestCase("/docs/index.html", "swagger")]
    [TestCase("/redoc/index.html", "redoc")]
    public async Task DocumentationPages_AreServed(string path, string marker)
    {
        using var client = Factory.CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.Content.ReadAsStringAsync()).ToLowerInvariant(), Does.Contain(marker));
    }
}

public sealed class OpenApiCompletenessTests : DatabaseTest
{
    [TestCase("/runs", "post", "201,400,401,403,404,413,415,429,503")]
    [TestCase("/upload", "post", "201,400,401,403,404,413,415,429,503")]
    [TestCase("/runs", "get", "200,400,401,403,429,503")]
    [TestCase("/runs/{runId}", "get", "200,401,404,429,503")]
    [TestCase("/values", "get", "200,400,401,403,429,503")]
    [TestCase("/values", "put", "200,400,401,403,404,413,429,503")]
    [TestCase("/series", "post", "201,400,401,403,409,429,503")]
    [TestCase("/series", "get", "200,401,403,429,503")]
    [TestCase("/list_timeseries", "get", "200,401,403,429,503")]
    [TestCase("/health/ready", "get", "200,503")]
    public async Task EveryEndpoint_DocumentsItsStatusCodes(string path, string method, string codes)
    {
        using var client = Factory.CreateClient();
        var doc = await client.GetAsync("/openapi.json").ExpectAsync(200);
        var operation = doc.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.That(operation.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.SupersetOf(codes.Split(',')));
        Assert.That(operation.TryGetProperty("summary", out _), Is.True, "each operation has a summary");
    }

    [Test]
    public async Task Schemas_UseSnakeCase_TriStateFieldsAsValues_AndCarryExamples()
    {
        using var client = Factory.CreateClient();
        var schemas = (await client.GetAsync("/openapi.json").ExpectAsync(200)).GetProperty("components").GetProperty("schemas");

        var upload = schemas.GetProperty("UploadRequest").GetProperty("properties");
        Assert.That(upload.TryGetProperty("run_start_time", out var start), Is.True);
        Assert.That(start.GetProperty("example").GetString(), Is.EqualTo("2025-06-01T06:00:00Z"));
        var update = schemas.GetProperty("ValueUpdateRequest").GetProperty("properties");
        Assert.That(update.GetProperty("value").GetProperty("type").ToString(), Does.Contain("number"));
        Assert.That(update.GetProperty("tags").GetProperty("type").ToString(), Does.Contain("array"));
    }
}
