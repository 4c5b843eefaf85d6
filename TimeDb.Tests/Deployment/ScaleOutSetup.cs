using System.Globalization;
using Npgsql;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Deployment;

/// <summary>
/// <c>deploy/scale-out.sh</c> run for real: nginx, PgBouncer and API instances over a database of the
/// suite's PostgreSQL, with the build the tests run (TIMEDB_APP_DIR), in a directory of its own.
/// </summary>
internal sealed class ScaleOutSetup : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);

    private readonly string _directory;
    private readonly Dictionary<string, string?> _environment;

    private ScaleOutSetup(string directory, Dictionary<string, string?> environment, string database, int port)
    {
        _directory = directory;
        _environment = environment;
        Database = database;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        ConnectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.Server.AdminConnectionString) { Database = database }.ConnectionString;
    }

    /// <summary>nginx.</summary>
    public Uri BaseAddress { get; }

    public string Database { get; }

    /// <summary>The setup's database, directly (not through PgBouncer): for the checks.</summary>
    public string ConnectionString { get; }

    public static async Task<ScaleOutSetup> StartAsync(int instances, IReadOnlyDictionary<string, string>? instanceSettings = null)
    {
        var directory = Directory.CreateTempSubdirectory("timedb-scale-out-").FullName;
        var database = $"tdb_so_{Guid.NewGuid():N}"[..20];
        var port = FreePort.Next();
        var admin = new NpgsqlConnectionStringBuilder(TestEnvironment.Server.AdminConnectionString);
        var environment = new Dictionary<string, string?>
        {
            ["TIMEDB_DSN"] = $"postgresql://{admin.Username}:{admin.Password}@{admin.Host}:{admin.Port}/postgres",
            ["TIMEDB_APP_DIR"] = AppContext.BaseDirectory,
            ["TIMEDB_INSTANCES"] = instances.ToString(CultureInfo.InvariantCulture),
            ["TIMEDB_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["TIMEDB_DATABASE"] = database,
            ["TIMEDB_SCALE_OUT_DIR"] = directory,
            ["TIMEDB_INSTANCE_SETTINGS"] = string.Join(' ', (instanceSettings ?? new Dictionary<string, string>()).Select(s => $"{s.Key}={s.Value}")),
        };
        var setup = new ScaleOutSetup(directory, environment, database, port);
        var started = await setup.ScriptAsync("start", directory);
        if (started.ExitCode != 0)
        {
            await setup.DisposeAsync();
            Assert.Fail($"deploy/scale-out.sh start failed ({started.ExitCode}):\n{started.Out}\n{started.Error}");
        }

        return setup;
    }

    public HttpClient CreateClient(string? apiKey = null, TimeSpan? timeout = null) => Client(BaseAddress, apiKey, timeout);

    /// <summary>A client of one instance, past nginx.</summary>
    public HttpClient InstanceClient(int instance, string? apiKey = null) =>
        Client(new Uri($"http://127.0.0.1:{InstancePort(instance).ToString(CultureInfo.InvariantCulture)}"), apiKey, null);

    public int InstancePort(int instance) =>
        int.Parse(File.ReadAllText(Path.Combine(_directory, "instances", $"{instance}.port")).Trim(), CultureInfo.InvariantCulture);

    public int InstancePid(int instance) =>
        int.Parse(File.ReadAllText(Path.Combine(_directory, "instances", $"{instance}.pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>SIGKILLs instance <paramref name="instance"/> through the script (its supervisor restarts it).</summary>
    public async Task KillAsync(int instance)
    {
        var result = await ScriptAsync("kill", instance.ToString(CultureInfo.InvariantCulture), _directory);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
    }

    /// <summary>Waits until every instance answers /health/ready again.</summary>
    public async Task WaitUntilAllReadyAsync(int instances, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        for (var n = 1; n <= instances; n++)
        {
            using var client = InstanceClient(n);
            while (true)
            {
                try
                {
                    using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"instance {n} not ready again within {patience}");
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Runs the timedb CLI through the script (DSN from the setup's directory).</summary>
    public async Task<ProcessResult> CliAsync(params string[] args) => await ScriptAsync(["cli", .. args]);

    public async Task<TestUser> CreateUserAsync(string tier)
    {
        var tenant = Guid.NewGuid();
        var email = $"{tier}-{Guid.NewGuid():N}@example.com";
        var result = await CliAsync("users", "create", "-t", tenant.ToString(), "-e", email, "--tier", tier, "--json");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        return TestUser.FromCreateJson(tenant, email, result.Out);
    }

    /// <summary>PgBouncer's SHOW POOLS for the setup's database: its server connections (active, idle, used, tested, login).</summary>
    public async Task<int> ServerConnectionsAsync()
    {
        // The admin console speaks only the simple query protocol: psql, not Npgsql.
        var env = File.ReadAllLines(Path.Combine(_directory, "secrets", "api.env"))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Trim('\''));
        var api = new NpgsqlConnectionStringBuilder(env["TIMEDB_DSN"]);
        var result = await ProcessRunner.RunAsync("psql",
            ["-X", "-A", "-F", ",", "-h", api.Host!, "-p", api.Port.ToString(CultureInfo.InvariantCulture), "-U", api.Username!, "pgbouncer", "-c", "SHOW POOLS"],
            new Dictionary<string, string?> { ["PGPASSWORD"] = api.Password });
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(','))
            .Where(f => f.Length == header.Length && f[Array.IndexOf(header, "database")] == Database)
            .Sum(f => ((string[])["sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login"])
                .Sum(c => int.Parse(f[Array.IndexOf(header, c)], CultureInfo.InvariantCulture)));
    }

    public string Log(string name) => File.ReadAllText(Path.Combine(_directory, "logs", name));

    public async ValueTask DisposeAsync()
    {
        await ScriptAsync("stop", _directory);
        await TestEnvironment.Server.DropDatabaseAsync(ConnectionString);
        await Sql.ExecuteAsync(TestEnvironment.Server.AdminConnectionString, $"DROP ROLE IF EXISTS \"{Database}_api\"");
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a stopping process: the temp directory is cleaned later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private Task<ProcessResult> ScriptAsync(params string[] args) =>
        ProcessRunner.RunAsync("bash", [RepositoryPaths.Script("deploy/scale-out.sh"), .. args], _environment, RepositoryPaths.Root, ScriptTimeout);

    private static HttpClient Client(Uri address, string? apiKey, TimeSpan? timeout) =>
        ApiProcess.CreateClient(address, apiKey, timeout ?? TimeSpan.FromSeconds(60));
}
