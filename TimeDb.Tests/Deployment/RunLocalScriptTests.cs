using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Deployment;

/// <summary>
/// deploy/run-local.sh as a newcomer runs it, in a copy of the deploy folder (so its .env and .local/ land in a
/// temporary folder, not in the checkout), against a database of the suite (TIMEDB_DSN: no initdb) and the
/// suite's build (TIMEDB_CLI: no Release build). <c>setup</c> does everything but start the API.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // a bash script, and Unix file modes
public sealed partial class RunLocalScriptTests
{
    private TemporaryDatabase _db = null!;
    private string _folder = "";
    private int _port;

    [SetUp]
    public async Task CopyTheScriptAsync()
    {
        _db = await TemporaryDatabase.CreateAsync();
        _folder = Directory.CreateTempSubdirectory("timedb-run-local-").FullName;
        Directory.CreateDirectory(Path.Combine(_folder, "deploy"));
        foreach (var script in new[] { "run-local.sh", "local-postgres.sh" })
        {
            File.Copy(RepositoryPaths.Script($"deploy/{script}"), Path.Combine(_folder, "deploy", script));
        }

        _port = FreePort.Next();
    }

    [TearDown]
    public async Task CleanUpAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private string EnvFile => Path.Combine(_folder, ".env");

    private string KeyFile => Path.Combine(_folder, ".local", "demo-key");

    private Task<ProcessResult> RunScriptAsync(string mode) =>
        ProcessRunner.RunAsync("bash", [Path.Combine(_folder, "deploy", "run-local.sh"), mode], new Dictionary<string, string?>
        {
            ["TIMEDB_DSN"] = _db.ConnectionString,
            ["TIMEDB_CLI"] = RepositoryPaths.Assembly("timedb.dll"),
            ["TIMEDB_PORT"] = _port.ToString(CultureInfo.InvariantCulture),
        }, _folder, TimeSpan.FromSeconds(120));

    private static string KeyIn(string output) => KeyShape().Matches(output).Single().Value;

    [Test]
    public async Task Setup_WritesDotEnv0600_WithTheDsn_KeepsOtherLines_AndTheCliInThatFolderUsesIt()
    {
        await File.WriteAllTextAsync(EnvFile, "OTHER_SETTING=1\nTIMEDB_DSN=postgresql://old@nowhere/x\n");

        var result = await RunScriptAsync("setup");

        Assert.That(result.ExitCode, Is.Zero, result.Out + result.Error);
        Assert.That(File.GetUnixFileMode(EnvFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(await File.ReadAllLinesAsync(EnvFile), Is.EqualTo(new[] { "OTHER_SETTING=1", $"TIMEDB_DSN='{_db.ConnectionString}'" }));
        Assert.That(File.GetUnixFileMode(KeyFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That((await File.ReadAllTextAsync(KeyFile)).Trim(), Is.EqualTo(KeyIn(result.Out)));

        // No TIMEDB_DSN in the environment (ProcessRunner clears it): the CLI finds the database through .env.
        var users = await CliRunner.RunProcessAsync(["users", "list"], workingDirectory: _folder);
        Assert.That(users.ExitCode, Is.Zero, users.Error);
        Assert.That(users.Out, Does.Contain("demo@timedb.local"));
    }

    [Test]
    public async Task SecondStart_PrintsTheSameDemoKey_AndRevokesNothing()
    {
        var first = await RunScriptAsync("setup");
        var second = await RunScriptAsync("setup");

        Assert.That(second.ExitCode, Is.Zero, second.Out + second.Error);
        Assert.That(KeyIn(second.Out), Is.EqualTo(KeyIn(first.Out)));
        Assert.That(second.Out, Does.Contain("same API key as before"));
        Assert.That(await Sql.ScalarAsync<long>(_db.ConnectionString, "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL"), Is.EqualTo(1));
        Assert.That(await Sql.ScalarAsync<long>(_db.ConnectionString, "SELECT count(*) FROM api_keys"), Is.EqualTo(1));
    }

    [Test]
    public async Task SecondStart_AfterTheDemoKeyWasRevoked_SaysSo_AndPrintsANewKey()
    {
        var first = await RunScriptAsync("setup");
        await Sql.ExecuteAsync(_db.ConnectionString, "UPDATE api_keys SET revoked_at = now()");

        var second = await RunScriptAsync("setup");

        Assert.That(second.ExitCode, Is.Zero, second.Out + second.Error);
        var key = KeyIn(second.Out);
        Assert.That(key, Is.Not.EqualTo(KeyIn(first.Out)));
        Assert.That(second.Out, Does.Contain("The old demo key no longer works").And.Contain($"New key: {key}"));
        Assert.That((await File.ReadAllTextAsync(KeyFile)).Trim(), Is.EqualTo(key));
    }

    [Test]
    public async Task PortInUse_ExitsNonZero_NamingThePort_BeforeAnyKeyOrFileIsTouched()
    {
        var setup = await RunScriptAsync("setup");
        Assert.That(setup.ExitCode, Is.Zero, setup.Out + setup.Error);
        File.Delete(EnvFile);
        var keysBefore = await Sql.ColumnAsync(_db.ConnectionString, "SELECT key_id::text || coalesce(revoked_at::text, '') FROM api_keys");
        using var holder = new TcpListener(IPAddress.Loopback, _port);
        holder.Start();

        var result = await RunScriptAsync("start");

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error.Trim(), Does.StartWith($"error: port {_port} on 127.0.0.1 is in use by ").And.Contain("TIMEDB_PORT"));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(await Sql.ColumnAsync(_db.ConnectionString, "SELECT key_id::text || coalesce(revoked_at::text, '') FROM api_keys"), Is.EqualTo(keysBefore));
        Assert.That(File.Exists(EnvFile), Is.False, "nothing was written");
        Assert.That((await File.ReadAllTextAsync(KeyFile)).Trim(), Is.EqualTo(KeyIn(setup.Out)));
    }

    [Test]
    public async Task GitIgnore_HoldsDotEnvAndDotLocal()
    {
        var lines = (await File.ReadAllLinesAsync(RepositoryPaths.Script(".gitignore"))).Select(l => l.Trim()).ToList();
        Assert.That(lines, Does.Contain(".env").And.Contain(".local/"));
    }

    [GeneratedRegex("tdb_[0-9a-f]{32}")]
    private static partial Regex KeyShape();
}
