using System.Globalization;
using System.Net;
using Npgsql;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Api;

/// <summary>
/// SPEC §9: answers never name the database host, port, user or database; a 503 says what is wrong and
/// what to do, and carries Retry-After. The CLI and the log keep the details.
/// </summary>
public sealed class DatabaseDetailsTests
{
    private static IEnumerable<(string Name, Func<HttpClient, Task<HttpResponseMessage>> Call)> Calls()
    {
        yield return ("GET /values", c => c.GetAsync("/values"));
        yield return ("POST /runs", c => c.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", Row("w", "2025-01-02T00:00:00Z", 1))));
        yield return ("GET /series", c => c.GetAsync("/series"));
        yield return ("POST /schema/create", c => c.PostJsonAsync("/schema/create", new { }));
        yield return ("GET /health/ready", c => c.GetAsync("/health/ready"));
    }

    private static async Task AssertEvery503NamesNothingAsync(string connectionString, string expectedInDetail, params string[] forbidden)
    {
        await using var factory = new ApiFactory(connectionString);
        using var client = factory.CreateClient();
        foreach (var (name, call) in Calls())
        {
            using var response = await call(client);
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), $"{name}: {body}");
            Assert.That(response.Headers.RetryAfter, Is.Not.Null, $"{name} carries Retry-After");
            if (name != "GET /health/ready")
            {
                // Readiness has its own words (being rewritten on AddHealthChecks); here only that it names nothing.
                Assert.That(body, Does.Contain(expectedInDetail), name);
            }

            foreach (var word in forbidden)
            {
                Assert.That(body, Does.Not.Contain(word), $"{name} names '{word}': {body}");
            }
        }

        using var root = await client.GetAsync("/");
        Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await root.Content.ReadAsStringAsync(), Does.Contain("\"mode\":\"unknown\""));
    }

    [Test]
    public async Task ClosedPort_503Bodies_NameNoHostPortUserOrDatabase()
    {
        var port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        await AssertEvery503NamesNothingAsync($"Host=127.0.0.1;Port={port};Username=zquser;Password=zqpassword;Database=zqdatabase;Timeout=2",
            "Cannot reach PostgreSQL", "127.0.0.1", port, "zquser", "zqpassword", "zqdatabase");
    }

    [Test]
    public async Task UnknownRole_503Bodies_SayTheLoginWasRefused_WithoutNamingAnything()
    {
        var admin = new NpgsqlConnectionStringBuilder(TestEnvironment.Server.AdminConnectionString);
        var dsn = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Username = "zqnobody", Password = "zqpassword", Database = "zqdatabase" };
        await AssertEvery503NamesNothingAsync(dsn.ConnectionString, "refused the server's login",
            admin.Host!, admin.Port.ToString(CultureInfo.InvariantCulture), "zqnobody", "zqpassword", "zqdatabase");
    }

    [Test]
    public async Task MissingDatabase_503Bodies_SayItDoesNotExist_WithoutNamingIt()
    {
        var admin = new NpgsqlConnectionStringBuilder(TestEnvironment.Server.AdminConnectionString);
        var missing = $"zqmissing_{Guid.NewGuid():N}";
        var dsn = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = missing };
        await AssertEvery503NamesNothingAsync(dsn.ConnectionString, "does not exist",
            admin.Host!, admin.Port.ToString(CultureInfo.InvariantCulture), admin.Username!, missing);
    }
}
