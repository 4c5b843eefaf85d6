using Npgsql;

namespace TimeDb.Tests.Support;

/// <summary>
/// The PostgreSQL of this test run: TEST_DATABASE_URL when set (CI starts one), else a throwaway cluster
/// started with deploy/local-postgres.sh on a free loopback port and stopped at the end.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? _clusterDirectory;

    private PostgresServer(string adminConnectionString, string? clusterDirectory)
    {
        AdminConnectionString = adminConnectionString;
        _clusterDirectory = clusterDirectory;
    }

    /// <summary>Superuser connection to the maintenance database.</summary>
    public string AdminConnectionString { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        var url = Environment.GetEnvironmentVariable("TEST_DATABASE_URL");
        if (!string.IsNullOrWhiteSpace(url))
        {
            return new PostgresServer(Infrastructure.Configuration.PostgresUri.ToNpgsql(url), null);
        }

        var directory = Path.Combine(Path.GetTempPath(), $"timedb-tests-{Environment.ProcessId}");
        var result = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Script("deploy/local-postgres.sh"), "start", directory],
            timeout: TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"could not start PostgreSQL for the tests: {result.Error}");
        }

        return new PostgresServer(Infrastructure.Configuration.PostgresUri.ToNpgsql(result.Out.Trim()), directory);
    }

    /// <summary>Creates a new, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_clusterDirectory is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await ProcessRunner.RunAsync("bash", [RepositoryPaths.Script("deploy/local-postgres.sh"), "stop", _clusterDirectory], timeout: TimeSpan.FromMinutes(2));
        try
        {
            Directory.Delete(_clusterDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Idem.
        }
    }
}
