using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

/// <summary>Stopping the API (SIGTERM) is a normal event: no error or fatal line in its log, and key usage is written.</summary>
public sealed class GracefulStopTests
{
    [Test]
    public async Task Sigterm_AfterRequestsWithKeys_ExitsZero_LogsNoErrorOrFatal_AndRecordsEveryKeysUse()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var created = await CliRunner.RunAsync(["create", "tables", "--with-users", "--dsn", db.ConnectionString, "-y"]);
        Assert.That(created.ExitCode, Is.Zero, created.Error);
        var keys = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var tenant = Guid.NewGuid();
            var email = $"stop{i}@example.com";
            var user = await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", tenant.ToString(), "-e", email, "--json"]);
            Assert.That(user.ExitCode, Is.Zero, user.Error);
            keys.Add(TestUser.FromCreateJson(tenant, email, user.Out).Key);
        }

        await using var api = await ApiProcess.StartAsync(db.ConnectionString);
        // Each authenticated request queues a last_used_at write for the background recorder; the stop follows at once.
        var statuses = await Task.WhenAll(keys.Select(async key =>
        {
            using var client = api.CreateClient(key);
            using var response = await client.GetAsync(new Uri("/keys", UriKind.Relative));
            return (int)response.StatusCode;
        }));
        var exitCode = await api.StopAsync();

        var output = string.Join('\n', api.Output);
        Assert.That(statuses, Is.All.EqualTo(200));
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(api.Output.Where(l => l.Contains(" ERR]", StringComparison.Ordinal) || l.Contains(" FTL]", StringComparison.Ordinal)
            || l.Contains("Exception", StringComparison.Ordinal)), Is.Empty, output);
        Assert.That(output, Does.Contain("Application is shutting down"), "the stop was graceful");
        Assert.That(await Sql.ScalarAsync<long>(db.ConnectionString, "SELECT count(*) FROM api_keys WHERE last_used_at IS NOT NULL"), Is.EqualTo(keys.Count),
            "the usages queued before the stop are written during it");
    }
}
