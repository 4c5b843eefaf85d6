using System.Net;
using System.Text.Json;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Cli;

/// <summary><c>timedb keys create --scope … --expires …</c> and <c>keys list</c> (SPEC §13), through the real CLI.</summary>
public sealed class KeyScopeCommandsTests
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

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        var result = await Cli([.. args, "--json"]);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var document = JsonDocument.Parse(result.Out);
        return document.RootElement.Clone();
    }

    private static string[] Scopes(JsonElement key) => [.. key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!)];

    [Test]
    public async Task KeysCreate_WithScopesAndExpiresInDays_IsShownByKeysList_AndEnforcedByTheApi()
    {
        await Cli("users", "create", "-t", Guid.NewGuid().ToString(), "-e", "s@example.com");
        var created = await JsonAsync("keys", "create", "-e", "s@example.com", "--name", "reader", "--scope", "read", "--expires", "30d");

        Assert.That(Scopes(created), Is.EqualTo(new[] { "read" }));
        Assert.That(created.GetProperty("expires_at").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.UtcNow.AddDays(30)).Within(TimeSpan.FromMinutes(1)));

        var list = await JsonAsync("keys", "list", "-e", "s@example.com");
        var reader = list.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "reader");
        var original = list.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "default");
        Assert.That(Scopes(reader), Is.EqualTo(new[] { "read" }));
        Assert.That(Scopes(original), Is.EqualTo(new[] { "read", "write", "keys" }), "users create keeps issuing a full key");
        Assert.That(original.GetProperty("expires_at").ValueKind, Is.EqualTo(JsonValueKind.Null));

        var table = await Cli("keys", "list", "-e", "s@example.com");
        Assert.That(table.Out, Does.Contain("scopes").And.Contain("expires_at").And.Contain("read,write,keys")
            .And.Contain(created.GetProperty("expires_at").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));

        await using var api = new ApiFactory(Dsn);
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", created.GetProperty("api_key").GetString());
        using var read = await client.GetAsync(new Uri("/series", UriKind.Relative));
        using var write = await client.PostJsonAsync("/series", new { name = "x" });
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await write.Content.ReadAsStringAsync(), Does.Contain("'write' scope"));
    }

    [Test]
    public async Task KeysCreate_RepeatedScopes_HoursAndIsoDates()
    {
        await Cli("users", "create", "-t", Guid.NewGuid().ToString(), "-e", "r@example.com");

        var two = await JsonAsync("keys", "create", "-e", "r@example.com", "--scope", "write", "--scope", "read", "--expires", "12h");
        var iso = await JsonAsync("keys", "create", "-e", "r@example.com", "--expires", "2099-01-31");
        var isoTime = await JsonAsync("keys", "create", "-e", "r@example.com", "--expires", "2099-01-31T12:30:00+02:00");

        Assert.That(Scopes(two), Is.EqualTo(new[] { "read", "write" }));
        Assert.That(two.GetProperty("expires_at").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.UtcNow.AddHours(12)).Within(TimeSpan.FromMinutes(1)));
        Assert.That(Scopes(iso), Is.EqualTo(new[] { "read", "write", "keys" }));
        Assert.That(iso.GetProperty("expires_at").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2099, 1, 31, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(isoTime.GetProperty("expires_at").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2099, 1, 31, 10, 30, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task KeysCreate_BadScopeOrExpires_IsOneLineError_AndStoresNothing()
    {
        await Cli("users", "create", "-t", Guid.NewGuid().ToString(), "-e", "b@example.com");

        foreach (var (args, says) in new (string[] Args, string Says)[]
        {
            (["--scope", "admin"], "read, write, keys"),
            (["--expires", "soon"], "--expires"),
            (["--expires", "0d"], "--expires"),
            (["--expires", "2020-01-01"], "not in the future"),
        })
        {
            var result = await Cli(["keys", "create", "-e", "b@example.com", .. args]);
            Assert.That(result.ExitCode, Is.EqualTo(1), string.Join(' ', args));
            Assert.That(result.Error, Does.StartWith("error: ").And.Contain(says), string.Join(' ', args));
        }

        Assert.That(await Sql.ScalarAsync<long>(Dsn, "SELECT count(*) FROM api_keys"), Is.EqualTo(1));
    }

    [Test]
    public async Task KeysCreate_Past100UnrevokedKeys_FailsSayingToRevoke()
    {
        await Cli("users", "create", "-t", Guid.NewGuid().ToString(), "-e", "c@example.com");
        await Sql.ExecuteAsync(Dsn, """
            INSERT INTO api_keys (key_id, user_id, tenant_id, name, key_hash, prefix)
            SELECT gen_random_uuid(), u.user_id, u.tenant_id, 'filler', sha256(gen_random_uuid()::text::bytea), 'tdb_00000000'
            FROM users u, generate_series(1, 99)
            """);

        var result = await Cli("keys", "create", "-e", "c@example.com");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("100").And.Contain("timedb keys revoke"));
        Assert.That(await Sql.ScalarAsync<long>(Dsn, "SELECT count(*) FROM api_keys"), Is.EqualTo(100));
    }
}
