using System.Net;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Api;

/// <summary>The database goes away and comes back: 503 with what to do, then recovery without a restart.</summary>
public sealed class DatabaseOutageTests
{
    private static Task<ProcessResult> ClusterAsync(string command, string directory) =>
        ProcessRunner.RunAsync("bash", [RepositoryPaths.Script("deploy/local-postgres.sh"), command, directory], timeout: TimeSpan.FromMinutes(3));

    [Test]
    public async Task DatabaseStoppedAndStarted_Answers503_ThenRecoversByItself()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"timedb-outage-{Guid.NewGuid():N}");
        var started = await ClusterAsync("start", directory);
        Assert.That(started.ExitCode, Is.Zero, started.Error);
        var admin = started.Out.Trim();
        var dsn = admin[..admin.LastIndexOf('/')] + "/timedb";
        try
        {
            await CliRunner.RunAsync(["create", "tables", "--dsn", dsn, "-y"]);
            await using var factory = new ApiFactory(Infrastructure.Configuration.PostgresUri.ToNpgsql(dsn));
            using var client = factory.CreateClient();
            await client.UploadAsync(Run("2025-01-01T00:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 1)));

            Assert.That((await ClusterAsync("stop", directory)).ExitCode, Is.Zero);
            using (var down = await client.GetAsync("/values"))
            {
                var problem = await down.JsonAsync();
                Assert.That(down.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), problem.ToString());
                Assert.That(problem.Str("detail"), Does.Contain("PostgreSQL"));
                Assert.That(down.Headers.RetryAfter, Is.Not.Null);
            }

            using (var upload = await client.PostJsonAsync("/runs", Run("2025-01-01T01:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 2))))
            {
                Assert.That(upload.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            }

            Assert.That((await ClusterAsync("start", directory)).ExitCode, Is.Zero);
            var recovered = false;
            for (var attempt = 0; attempt < 50 && !recovered; attempt++)
            {
                using var response = await client.GetAsync("/values");
                recovered = response.StatusCode == HttpStatusCode.OK;
                if (!recovered)
                {
                    await Task.Delay(200);
                }
            }

            Assert.That(recovered, Is.True, "the API answers again without a restart");
            var rows = (await client.GetAsync("/values").ExpectAsync(200)).Data();
            Assert.That(rows.Single().Num("value"), Is.EqualTo(1), "the acknowledged upload survived; the refused one left nothing");
        }
        finally
        {
            await ClusterAsync("stop", directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task SchemaMissing_Answers503_SayingToCreateTables()
    {
        await using var empty = await TemporaryDatabase.CreateAsync();
        await using var factory = new ApiFactory(empty.ConnectionString);
        using var client = factory.CreateClient();

        foreach (var call in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.GetAsync("/values"),
            () => client.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 1))),
            () => client.GetAsync("/series"),
        })
        {
            var problem = await call().ExpectAsync(503);
            Assert.That(problem.Str("detail"), Does.Contain("timedb create tables"));
        }
    }
}
