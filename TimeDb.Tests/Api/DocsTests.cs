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

public sealed class OpenApiStandardResponsesTests : DatabaseTest
{
    private static readonly string[] Anonymous = ["/", "/health/live", "/health/ready"];

    [Test]
    public async Task EveryOperationWithAKey_DocumentsThePipelinesAnswers_AndAnonymousOnesShowNoLock()
    {
        using var client = Factory.CreateClient();
        var doc = await client.GetAsync("/openapi.json").ExpectAsync(200);
        Assert.That(doc.TryGetProperty("security", out _), Is.False, "no document-wide key requirement: anonymous endpoints would show a lock");

        var operations = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name, Operation: op.Value)))
            .ToList();
        Assert.That(operations, Has.Count.GreaterThan(15));
        Assert.Multiple(() =>
        {
            foreach (var (path, method, operation) in operations)
            {
                var codes = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
                var locked = operation.TryGetProperty("security", out var security) && security.GetArrayLength() > 0;
                if (Anonymous.Contains(path))
                {
                    Assert.That(locked, Is.False, $"{method} {path} is anonymous: no lock");
                    Assert.That(codes, Has.None.AnyOf("401", "403", "429"), $"{method} {path}");
                    continue;
                }

                Assert.That(locked, Is.True, $"{method} {path} needs a key: lock");
                Assert.That(security[0].TryGetProperty("ApiKey", out _), Is.True, $"{method} {path} names the ApiKey scheme");
                Assert.That(codes, Is.SupersetOf(new[] { "401", "403", "429", "503" }), $"{method} {path}");
            }
        });
    }

    [TestCase("/runs", "post")]
    [TestCase("/upload", "post")]
    [TestCase("/values", "get")]
    [TestCase("/values", "put")]
    public async Task HeavyOperations_Document504(string path, string method)
    {
        using var client = Factory.CreateClient();
        var doc = await client.GetAsync("/openapi.json").ExpectAsync(200);
        var responses = doc.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");
        Assert.That(responses.TryGetProperty("504", out _), Is.True);
        Assert.That(responses.GetProperty("429").GetProperty("content").TryGetProperty("application/problem+json", out _), Is.True);
    }

    [Test]
    public async Task Root_ListsEveryRoutedEndpoint_WithItsSummary()
    {
        using var client = Factory.CreateClient();
        var endpoints = (await client.GetAsync("/").ExpectAsync(200)).GetProperty("endpoints");
        var doc = await client.GetAsync("/openapi.json").ExpectAsync(200);
        var documented = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"));
        var listed = endpoints.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.That(listed.Keys, Is.SupersetOf(documented), "every documented operation is in the overview");
        Assert.That(listed.Keys, Is.SupersetOf(new[] { "GET /", "GET /health/live", "GET /health/ready", "GET /docs", "GET /redoc", "GET /openapi.json" }));
        Assert.That(listed.Values, Has.All.Not.Empty);
        Assert.That(listed["GET /health/ready"], Does.Contain("Readiness"));
    }
}
