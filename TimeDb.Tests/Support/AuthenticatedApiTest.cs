using System.Text.Json;
using Npgsql;
using Respawn;
using Respawn.Graph;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Tests.Support;

/// <summary>A user created through the real CLI, with the key it printed.</summary>
internal sealed record TestUser(Guid TenantId, Guid UserId, Guid KeyId, string Email, string Key)
{
    /// <summary>From the output of <c>timedb users create … --json</c>.</summary>
    public static TestUser FromCreateJson(Guid tenantId, string email, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new TestUser(tenantId, root.GetProperty("user_id").GetGuid(), root.GetProperty("key_id").GetGuid(), email, root.GetProperty("api_key").GetString()!);
    }
}

/// <summary>
/// Base for tests with authentication on: a database of its own created with --with-users, tenants A and
/// B (unlimited tier, so the matrix is not rate limited) and an admin of tenant A. Runs, series and values
/// are emptied before each test; users and keys stay.
/// </summary>
public abstract class AuthenticatedApiTest
{
    private Respawner? _respawner;

    internal string Dsn { get; private set; } = "";
    internal ApiFactory Factory { get; private set; } = null!;
    internal TestUser A { get; private set; } = null!;
    internal TestUser B { get; private set; } = null!;
    internal TestUser Admin { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task CreateAuthenticatedDatabaseAsync()
    {
        Dsn = await TestEnvironment.Server.CreateDatabaseAsync("timedb_auth");
        var created = await CliRunner.RunAsync(["create", "tables", "--dsn", Dsn, "--with-users", "-y"]);
        Assert.That(created.ExitCode, Is.Zero, created.Error);
        A = await CreateUserAsync(Guid.NewGuid(), "alice@tenant-a.example", "unlimited");
        B = await CreateUserAsync(Guid.NewGuid(), "bob@tenant-b.example", "unlimited");
        Admin = await CreateUserAsync(A.TenantId, "admin@tenant-a.example", "unlimited", "--admin");
        Factory = new ApiFactory(Dsn);

        await using var connection = new NpgsqlConnection(Dsn);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            TablesToIgnore = [new Table(TableNames.MigrationsHistory), new Table(TableNames.Settings), new Table(TableNames.Users), new Table(TableNames.ApiKeys)],
        });
    }

    [SetUp]
    public async Task ResetDataAsync()
    {
        await using var connection = new NpgsqlConnection(Dsn);
        await connection.OpenAsync();
        await _respawner!.ResetAsync(connection);
    }

    [OneTimeTearDown]
    public async Task DropAsync()
    {
        await Factory.DisposeAsync();
        await TestEnvironment.Server.DropDatabaseAsync(Dsn);
    }

    internal async Task<TestUser> CreateUserAsync(Guid tenantId, string email, string tier, params string[] extra)
    {
        var result = await CliRunner.RunAsync(["users", "create", "--dsn", Dsn, "-t", tenantId.ToString(), "-e", email, "--tier", tier, "--json", .. extra]);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        return TestUser.FromCreateJson(tenantId, email, result.Out);
    }

    internal HttpClient ClientFor(TestUser user) => ClientWithKey(user.Key);

    internal HttpClient ClientWithKey(string? key)
    {
        var client = Factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", key);
        }

        return client;
    }

    internal Task<CliResult> CliAsync(params string[] args) => CliRunner.RunAsync([.. args, "--dsn", Dsn]);
}
