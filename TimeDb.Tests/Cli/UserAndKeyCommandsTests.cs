using System.Text.Json;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Cli;

public sealed class UserAndKeyCommandsTests
{
    private TemporaryDatabase _db = null!;

    private string Dsn => _db.ConnectionString;

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        _db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", Dsn, "--with-users", "-y"]);
    }

    [TearDown]
    public async Task DropDatabaseAsync() => await _db.DisposeAsync();

    private Task<CliResult> Cli(params string[] args) => CliRunner.RunAsync([.. args, "--dsn", Dsn]);

    [Test]
    public async Task UsersList_ShowsActiveUsers_AndIncludeInactiveShowsAll()
    {
        var tenant = Guid.NewGuid().ToString();
        await Cli("users", "create", "-t", tenant, "-e", "a@example.com");
        await Cli("users", "create", "-t", tenant, "-e", "b@example.com", "--tier", "free");
        await Cli("users", "deactivate", "-e", "b@example.com", "-y");

        var table = await Cli("users", "list");
        var json = await Cli("users", "list", "--include-inactive", "--json", "--tenant-id", tenant);

        Assert.That(table.ExitCode, Is.Zero, table.Error);
        Assert.That(table.Out, Does.Contain("a@example.com").And.Not.Contain("b@example.com").And.Contain("email"));
        using var doc = JsonDocument.Parse(json.Out);
        var users = doc.RootElement.EnumerateArray().ToList();
        Assert.That(users.Select(u => u.GetProperty("email").GetString()), Is.EqualTo(new[] { "a@example.com", "b@example.com" }));
        Assert.That(users[1].GetProperty("is_active").GetBoolean(), Is.False);
        Assert.That(users[1].GetProperty("tier").GetString(), Is.EqualTo("free"));
    }

    [Test]
    public async Task EmailInTwoTenants_NeedsTenantId()
    {
        var t1 = Guid.NewGuid().ToString();
        await Cli("users", "create", "-t", t1, "-e", "same@example.com");
        await Cli("users", "create", "-t", Guid.NewGuid().ToString(), "-e", "same@example.com");

        var ambiguous = await Cli("users", "set-tier", "-e", "same@example.com", "--tier", "pro");
        var precise = await Cli("users", "set-tier", "-e", "same@example.com", "--tier", "pro", "--tenant-id", t1);

        Assert.That(ambiguous.ExitCode, Is.EqualTo(1));
        Assert.That(ambiguous.Error, Does.Contain("2 tenants").And.Contain("--tenant-id"));
        Assert.That(precise.ExitCode, Is.Zero, precise.Error);
        Assert.That(await Sql.ScalarAsync<string>(Dsn, $"SELECT tier FROM users WHERE tenant_id = '{t1}'"), Is.EqualTo("pro"));
    }

    [Test]
    public async Task Deactivate_RegenerateKey_AndRevoke_RefuseWithoutTerminalOrYes()
    {
        var tenant = Guid.NewGuid().ToString();
        var created = await Cli("users", "create", "-t", tenant, "-e", "c@example.com", "--json");
        using var json = JsonDocument.Parse(created.Out);
        var keyId = json.RootElement.GetProperty("key_id").GetString()!;

        foreach (var args in new[]
        {
            new[] { "users", "deactivate", "-e", "c@example.com" },
            ["users", "regenerate-key", "-e", "c@example.com"],
            ["keys", "revoke", "--key-id", keyId],
        })
        {
            var result = await Cli(args);
            Assert.That(result.ExitCode, Is.EqualTo(1), string.Join(' ', args));
            Assert.That(result.Error, Does.Contain("refusing").And.Contain("-y"));
        }

        Assert.That(await Sql.ScalarAsync<string>(Dsn, "SELECT is_active::text || (SELECT count(*) FROM api_keys WHERE revoked_at IS NULL) FROM users"), Is.EqualTo("true1"));
    }

    [Test]
    public async Task Activate_AndSetTier_AskNothing()
    {
        await Cli("users", "create", "-t", Guid.NewGuid().ToString(), "-e", "d@example.com");
        Assert.That((await Cli("users", "activate", "-e", "d@example.com")).ExitCode, Is.Zero);
        Assert.That((await Cli("users", "set-tier", "-e", "d@example.com", "--tier", "enterprise")).ExitCode, Is.Zero);
        Assert.That((await Cli("users", "set-tier", "-e", "d@example.com", "--tier", "gold")).ExitCode, Is.EqualTo(2), "unknown tier is a usage error");
    }

    [Test]
    public async Task Keys_CreateListRevoke()
    {
        await Cli("users", "create", "-t", Guid.NewGuid().ToString(), "-e", "e@example.com");
        var created = await Cli("keys", "create", "-e", "e@example.com", "--name", "etl", "--json");
        Assert.That(created.ExitCode, Is.Zero, created.Error);
        using var json = JsonDocument.Parse(created.Out);
        var key = json.RootElement.GetProperty("api_key").GetString()!;
        var keyId = json.RootElement.GetProperty("key_id").GetString()!;

        var listed = await Cli("keys", "list", "-e", "e@example.com");
        Assert.That(listed.Out, Does.Contain("etl").And.Contain("default").And.Contain(key[..12]).And.Not.Contain(key));

        var revoked = await Cli("keys", "revoke", "--key-id", keyId, "-y");
        Assert.That(revoked.ExitCode, Is.Zero, revoked.Error);
        var listedJson = await Cli("keys", "list", "-e", "e@example.com", "--json");
        using var list = JsonDocument.Parse(listedJson.Out);
        var etl = list.RootElement.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "etl");
        Assert.That(etl.GetProperty("revoked_at").ValueKind, Is.Not.EqualTo(JsonValueKind.Null));

        var unknown = await Cli("keys", "revoke", "--key-id", Guid.NewGuid().ToString(), "-y");
        Assert.That(unknown.ExitCode, Is.EqualTo(1));
        Assert.That(unknown.Error, Does.Contain("does not exist"));
    }

    [Test]
    public async Task RegenerateKey_PrintsANewKeyOnce_AndRevokesTheOthers()
    {
        await Cli("users", "create", "-t", Guid.NewGuid().ToString(), "-e", "f@example.com");
        await Cli("keys", "create", "-e", "f@example.com");
        var result = await Cli("users", "regenerate-key", "-e", "f@example.com", "-y");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Match("tdb_[0-9a-f]{32}"));
        Assert.That(await Sql.ScalarAsync<long>(Dsn, "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL"), Is.EqualTo(1));
        Assert.That(await Sql.ScalarAsync<long>(Dsn, "SELECT count(*) FROM api_keys"), Is.EqualTo(3));
    }

    [Test]
    public async Task UnknownUser_IsOneLineError()
    {
        var result = await Cli("users", "activate", "-e", "nobody@example.com");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim(), Is.EqualTo("error: no user with email nobody@example.com"));
    }

    [Test]
    public async Task DeactivateTwice_And_ActivateTwice_SayAlready_ExitZero_AndChangeNothing()
    {
        await Cli("users", "create", "-t", Guid.NewGuid().ToString(), "-e", "twice@example.com");
        var first = await Cli("users", "deactivate", "-e", "twice@example.com", "-y");
        var updatedAt = await Sql.ScalarAsync<DateTime>(Dsn, "SELECT updated_at FROM users");

        // No -y: an inactive user is not asked about again.
        var second = await Cli("users", "deactivate", "-e", "twice@example.com");
        var activated = await Cli("users", "activate", "-e", "twice@example.com");
        var activeAgain = await Cli("users", "activate", "-e", "twice@example.com");

        Assert.That(first.Out, Does.StartWith("Deactivated twice@example.com"));
        Assert.That(second.ExitCode, Is.Zero, second.Error);
        Assert.That(second.Out, Does.Contain("twice@example.com").And.Contain("is already inactive; nothing changed"));
        Assert.That(activated.Out, Does.StartWith("Activated twice@example.com"));
        Assert.That(activeAgain.ExitCode, Is.Zero, activeAgain.Error);
        Assert.That(activeAgain.Out, Does.Contain("is already active; nothing changed"));
        Assert.That(updatedAt, Is.LessThan(await Sql.ScalarAsync<DateTime>(Dsn, "SELECT updated_at FROM users")), "activate changed it");
    }

    [Test]
    public async Task RevokeTwice_SaysAlreadyRevokedWithTheFirstTime_ExitZero()
    {
        var created = await Cli("users", "create", "-t", Guid.NewGuid().ToString(), "-e", "g@example.com", "--json");
        using var json = JsonDocument.Parse(created.Out);
        var keyId = json.RootElement.GetProperty("key_id").GetString()!;

        var first = await Cli("keys", "revoke", "--key-id", keyId, "-y");
        var revokedAt = await Sql.ScalarAsync<DateTime>(Dsn, "SELECT revoked_at FROM api_keys");
        var second = await Cli("keys", "revoke", "--key-id", keyId, "-y");

        Assert.That(first.Out, Does.StartWith($"Revoked key {keyId}"));
        Assert.That(second.ExitCode, Is.Zero, second.Error);
        Assert.That(second.Out.Trim(), Does.StartWith($"The key {keyId} (default, ")
            .And.EndWith($"was already revoked at {TimeDb.Domain.Time.UtcTimestamp.Format(DateTime.SpecifyKind(revokedAt, DateTimeKind.Utc))}; nothing changed."));
        Assert.That(await Sql.ScalarAsync<DateTime>(Dsn, "SELECT revoked_at FROM api_keys"), Is.EqualTo(revokedAt), "the first revocation time stays");
    }
}
