using System.Text.Json;
using TimeDb.Domain.Security;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Cli;

public sealed class UsersCreateTests
{
    [Test]
    public async Task UsersCreate_PrintsTheKeyOnce_AndStoresOnlyItsHash()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        var tenant = Guid.NewGuid();

        var result = await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", tenant.ToString(), "-e", "Ann@Example.com", "--tier", "pro", "--admin"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var key = result.Out.Split(' ', '\n').Single(w => w.StartsWith("tdb_", StringComparison.Ordinal)).Trim();
        Assert.That(ApiKeySecret.TryParse(key, out var parsed), Is.True);
        Assert.That(await Sql.ScalarAsync<string>(db.ConnectionString, "SELECT email || ',' || tier || ',' || is_admin FROM users"), Is.EqualTo("ann@example.com,pro,true"));
        var storedHash = await Sql.ScalarAsync<byte[]>(db.ConnectionString, "SELECT key_hash FROM api_keys");
        Assert.That(storedHash, Is.EqualTo(parsed!.Hash()));

        // The plain key is nowhere in the database.
        var dump = string.Join('\n', await Sql.ColumnAsync(db.ConnectionString,
            "SELECT row_to_json(k)::text FROM api_keys k UNION ALL SELECT row_to_json(u)::text FROM users u"));
        Assert.That(dump, Does.Not.Contain(key).And.Not.Contain(key[4..]));
    }

    [Test]
    public async Task UsersCreate_Json_IsMachineReadable()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        var tenant = Guid.NewGuid();

        var result = await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "--tenant-id", tenant.ToString(), "--email", "b@example.com", "--json"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("tenant_id").GetGuid(), Is.EqualTo(tenant));
            Assert.That(json.RootElement.GetProperty("email").GetString(), Is.EqualTo("b@example.com"));
            Assert.That(json.RootElement.GetProperty("tier").GetString(), Is.EqualTo("basic"));
            Assert.That(json.RootElement.GetProperty("api_key").GetString(), Does.StartWith("tdb_"));
        });
    }

    [Test]
    public async Task UsersCreate_SameEmailTwiceInATenant_IsAnError()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        var tenant = Guid.NewGuid().ToString();
        await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", tenant, "-e", "c@example.com"]);

        var again = await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", tenant, "-e", "C@example.com"]);
        var otherTenant = await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", Guid.NewGuid().ToString(), "-e", "c@example.com"]);

        Assert.That(again.ExitCode, Is.EqualTo(1));
        Assert.That(again.Error, Does.Contain("already exists"));
        Assert.That(otherTenant.ExitCode, Is.Zero, otherTenant.Error);
    }

    [Test]
    public async Task UsersCreate_BadEmail_IsAnError()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        var result = await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", Guid.NewGuid().ToString(), "-e", "not-an-email"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("not an email address"));
    }

    [Test]
    public async Task UsersCreate_WithoutSchema_SaysToCreateTables()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", Guid.NewGuid().ToString(), "-e", "d@example.com"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("timedb create tables"));
    }
}
