using System.Diagnostics;
using System.Globalization;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

/// <summary>One warning at start when authentication is off and the API listens beyond loopback; none otherwise.</summary>
public sealed class OpenAccessWarningTests
{
    private const string Warning = "authentication is off and the API listens on http://0.0.0.0:";

    [Test]
    public async Task AuthenticationOff_ListeningOnAllAddresses_WarnsOnce()
    {
        var output = await StartupLogAsync(TestEnvironment.AppConnectionString, "0.0.0.0");

        Assert.That(output.Count(l => l.Contains(Warning, StringComparison.Ordinal)), Is.EqualTo(1), string.Join('\n', output));
        Assert.That(output.Single(l => l.Contains(Warning, StringComparison.Ordinal)),
            Does.Contain("WRN]").And.Contain("anyone who can reach it reads and writes every tenant").And.Contain("timedb create tables --with-users"));
    }

    [Test]
    public async Task AuthenticationOff_ListeningOnLoopback_DoesNotWarn()
    {
        var output = await StartupLogAsync(TestEnvironment.AppConnectionString, "127.0.0.1");

        Assert.That(output.Where(l => l.Contains("authentication is off", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task AuthenticationOn_ListeningOnAllAddresses_DoesNotWarn()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var created = await CliRunner.RunAsync(["create", "tables", "--with-users", "--dsn", db.ConnectionString, "-y"]);
        Assert.That(created.ExitCode, Is.Zero, created.Error);

        var output = await StartupLogAsync(db.ConnectionString, "0.0.0.0");

        Assert.That(output.Where(l => l.Contains("authentication is off", StringComparison.Ordinal)), Is.Empty);
    }

    [TestCase("http://127.0.0.1:8000", true)]
    [TestCase("http://127.8.9.10:8000", true)]
    [TestCase("http://[::1]:8000", true)]
    [TestCase("http://localhost:8000", true)]
    [TestCase("http://0.0.0.0:8000", false)]
    [TestCase("http://[::]:8000", false)]
    [TestCase("http://192.168.1.20:8000", false)]
    [TestCase("http://+:8000", false)]
    public void IsLoopback_CoversLoopbackNetworksOnly(string address, bool loopback) =>
        Assert.That(TimeDb.Api.Hosting.OpenAccessWarning.IsLoopback(address), Is.EqualTo(loopback));

    /// <summary>The log of a real <c>timedb api --host …</c> up to "Application started" (the check runs before it).</summary>
    private static async Task<IReadOnlyList<string>> StartupLogAsync(string dsn, string host)
    {
        var port = FreePort.Next();
        await using var api = await ApiProcess.StartCommandAsync("dotnet",
            [RepositoryPaths.Assembly("timedb.dll"), "api", "--host", host, "--port", port.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string?> { ["TIMEDB_DSN"] = dsn }, port);
        var wait = Stopwatch.StartNew();
        while (!api.Output.Any(l => l.Contains("Application started", StringComparison.Ordinal)) && wait.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }

        Assert.That(api.Output, Has.Some.Contains("Application started"));
        return api.Output;
    }
}
