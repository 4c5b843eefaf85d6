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
