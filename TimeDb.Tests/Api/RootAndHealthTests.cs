using System.Net;
using System.Text.Json;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

public sealed class RootAndHealthTests : DatabaseTest
{
    [Test]
    public async Task Root_DescribesTheService()
    {
        using var client = Factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("name").GetString(), Is.EqualTo("TimeDB API"));
            Assert.That(root.GetProperty("version").GetString(), Does.Match(@"^\d+\.\d+\.\d+"));
            Assert.That(root.GetProperty("description").GetString(), Is.Not.Empty);
            Assert.That(root.GetProperty("endpoints").EnumerateObject().Select(p => p.Name), Does.Contain("GET /health/ready"));
            // The shared test database was created without --with-users.
            Assert.That(root.GetProperty("authentication").GetProperty("enabled").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("authentication").GetProperty("header").GetString(), Is.EqualTo("X-API-Key"));
        });
    }

    [Test]
    public async Task Live_Is200()
    {
        using var client = Factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"status\":\"live\""));
    }

    [Test]
    public async Task Ready_WithCurrentSchema_Is200()
    {
        using var client = Factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Ready_WithoutSchema_Is503_SayingToCreateTables()
    {
        await using var empty = await TemporaryDatabase.CreateAsync();
        await using var factory = new ApiFactory(empty.ConnectionString);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("timedb create tables"));
    }

    [Test]
    public async Task Ready_WithUnreachableDatabase_Is503_AndRootStillAnswers()
    {
        await using var factory = new ApiFactory("Host=127.0.0.1;Port=1;Username=u;Password=never-shown;Database=d;Timeout=2");
        using var client = factory.CreateClient();

        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await ready.Content.ReadAsStringAsync();
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(body, Does.Contain("Cannot reach PostgreSQL").And.Not.Contain("never-shown"));
        Assert.That(ready.Headers.RetryAfter, Is.Not.Null);

        using var root = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task UnknownRoute_Is404ProblemDetails()
    {
        using var client = Factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/no/such/route", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }
}
