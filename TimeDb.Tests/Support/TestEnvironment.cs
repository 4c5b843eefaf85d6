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
        if (_server is not null)
        {
            await _server.DropDatabaseAsync(AppConnectionString);
            await _server.DisposeAsync();
        }
    }
}
