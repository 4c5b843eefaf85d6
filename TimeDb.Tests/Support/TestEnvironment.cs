using Npgsql;
using Respawn;
using Respawn.Graph;
using TimeDb.Infrastructure.Persistence;

using TimeDb.Tests.Support;

namespace TimeDb.Tests;

/// <summary>Starts PostgreSQL and the shared application database once per test run.</summary>
[SetUpFixture]
public sealed class TestEnvironment
{
    private static PostgresServer? _server;
    private static Respawner? _respawner;

    internal static PostgresServer Server => _server ?? throw new InvalidOperationException("test environment not started");

    /// <summary>The shared application database, schema created without users (single-user mode).</summary>
    internal static string AppConnectionString { get; private set; } = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await PostgresServer.StartAsync();
        AppConnectionString = await _server.CreateDatabaseAsync("timedb_app");
        var created = await CliRunner.RunAsync(["create", "tables", "--dsn", AppConnectionString, "-y"]);
        if (created.ExitCode != 0)
        {
            throw new InvalidOperationException($"create tables failed: {created.Error}");
        }

        await using var connection = new NpgsqlConnection(AppConnectionString);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            TablesToIgnore = [new Table(TableNames.MigrationsHistory), new Table(TableNames.Settings)],
        });
    }

    /// <summary>
    /// The whole run's API log events (SuiteLogSink) hold no API key and no database password: a failure here
    /// fails the run. The keys are recognised by their shape (tdb_ and 32 hex digits).
    /// </summary>
    private static void CheckSuiteLogs()
    {
        var password = new NpgsqlConnectionStringBuilder(Server.AdminConnectionString).Password;
        var keyShape = new System.Text.RegularExpressions.Regex("tdb_[0-9a-f]{32}");
        var leaks = SuiteLogSink.Instance.Events
            .Where(e => keyShape.IsMatch(e) || (!string.IsNullOrEmpty(password) && e.Contains(password, StringComparison.Ordinal)))
            .ToList();
        TestContext.Progress.WriteLine($"suite logs: {SuiteLogSink.Instance.Count} API log events checked, {leaks.Count} with a key or password");
        if (leaks.Count > 0)
        {
            // Not the events themselves: the secret would land in the CI log. Run LogSafetyTests to see where.
            throw new InvalidOperationException($"{leaks.Count} API log event(s) hold an API key or the database password");
        }
    }

    /// <summary>Empties every data table of the shared database.</summary>
    internal static async Task ResetAsync()
    {
        await using var connection = new NpgsqlConnection(AppConnectionString);
        await connection.OpenAsync();
        await _respawner!.ResetAsync(connection);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        CheckSuiteLogs();
        if (_server is not null)
        {
            await _server.DropDatabaseAsync(AppConnectionString);
            await _server.DisposeAsync();
        }
    }
}
