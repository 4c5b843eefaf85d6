using System.Net;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Auth;

public sealed class KeysAndSchemaEndpointTests : AuthenticatedApiTest
{
    [Test]
    public async Task Keys_CreateListRevoke_ForTheCallerOnly_KeyShownOnce()
    {
        var user = await CreateUserAsync(A.TenantId, $"self-{Guid.NewGuid():N}@example.com", "unlimited");
        using var client = ClientFor(user);

        var created = await client.PostJsonAsync("/keys", new { name = "pipeline" }).ExpectAsync(201);
        var newKey = created.Str("api_key");
        Assert.That(newKey, Does.Match("^tdb_[0-9a-f]{32}$"));

        var list = await client.GetAsync("/keys").ExpectAsync(200);
        Assert.That(list.EnumerateArray().Select(k => k.Str("name")), Is.EquivalentTo(new[] { "default", "pipeline" }));
        Assert.That(list.ToString(), Does.Not.Contain(newKey).And.Not.Contain("api_key").And.Not.Contain(user.Key));
        Assert.That(list.EnumerateArray().Single(k => k.Str("name") == "pipeline").Str("prefix"), Is.EqualTo(newKey[..12]));

        using (var viaNewKey = ClientWithKey(newKey))
        {
            await viaNewKey.GetAsync("/series").ExpectAsync(200);
            var revoked = await viaNewKey.DeleteAsync(new Uri($"/keys/{created.Id("key_id")}", UriKind.Relative)).ExpectAsync(200);
            Assert.That(revoked.GetProperty("revoked_at").ValueKind, Is.Not.EqualTo(System.Text.Json.JsonValueKind.Null));
            await Task.Delay(TimeSpan.FromSeconds(1));
            await viaNewKey.GetAsync("/series").ExpectAsync(401);
        }

        // Another user's key, even in the same tenant, is not the caller's to revoke.
        await client.DeleteAsync(new Uri($"/keys/{Admin.KeyId}", UriKind.Relative)).ExpectAsync(404);
        await client.PostJsonAsync("/keys", new { name = " " }).ExpectAsync(400);
    }

    [Test]
    public async Task DeleteKeyTwice_Is200_SaysAlreadyRevoked_AndKeepsTheFirstRevocationTime()
    {
        var user = await CreateUserAsync(A.TenantId, $"twice-{Guid.NewGuid():N}@example.com", "unlimited");
        using var client = ClientFor(user);
        var created = await client.PostJsonAsync("/keys", new { name = "spare" }).ExpectAsync(201);
        var path = new Uri($"/keys/{created.Id("key_id")}", UriKind.Relative);

        var first = await client.DeleteAsync(path).ExpectAsync(200);
        var second = await client.DeleteAsync(path).ExpectAsync(200);

        Assert.That(first.GetProperty("already_revoked").GetBoolean(), Is.False);
        Assert.That(second.GetProperty("already_revoked").GetBoolean(), Is.True);
        // PostgreSQL keeps microseconds: the stored time is the first one, to the microsecond.
        Assert.That(second.GetProperty("revoked_at").GetDateTimeOffset(), Is.EqualTo(first.GetProperty("revoked_at").GetDateTimeOffset()).Within(TimeSpan.FromTicks(10)));
        // The time in the message is written as the response writes it.
        Assert.That(second.Str("message"), Does.Contain($"was already revoked at {second.Str("revoked_at")}; nothing changed"));
        Assert.That(second.Str("revoked_at"), Does.EndWith("Z"));
        // Tenant B cannot revoke (or learn about) A's key, revoked or not.
        using var other = ClientFor(B);
        await other.DeleteAsync(path).ExpectAsync(404);
    }

    [Test]
    public async Task SchemaCreate_ByAdmin_Is200_ByOthers403()
    {
        using var admin = ClientFor(Admin);
        using var user = ClientFor(A);
        var ok = await admin.PostJsonAsync("/schema/create", new { with_users = true }).ExpectAsync(200);
        Assert.That(ok.GetProperty("authentication_enabled").GetBoolean(), Is.True);
        var forbidden = await user.PostJsonAsync("/schema/create", new { }).ExpectAsync(403);
        Assert.That(forbidden.Str("detail"), Does.Contain("admin"));
    }

    [Test]
    public async Task SchemaDelete_ByAdmin_DropsEverything()
    {
        // A database of its own: this drops it all.
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        var created = await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", Guid.NewGuid().ToString(), "-e", "root@example.com", "--admin", "--json"]);
        using var json = System.Text.Json.JsonDocument.Parse(created.Out);
        await using var factory = new ApiFactory(db.ConnectionString);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", json.RootElement.GetProperty("api_key").GetString());

        var deleted = await client.DeleteAsync(new Uri("/schema/delete", UriKind.Relative)).ExpectAsync(200);

        Assert.That(deleted.GetProperty("tables").GetArrayLength(), Is.EqualTo(TimeDb.Infrastructure.Persistence.TableNames.All.Count));
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Is.Empty);
    }

    [Test]
    public async Task Keys_InSingleUserMode_SayAuthenticationIsOff()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);
        await using var factory = new ApiFactory(db.ConnectionString);
        using var client = factory.CreateClient();

        var problem = await client.GetAsync("/keys").ExpectAsync(400);
        Assert.That(problem.Str("detail"), Does.Contain("--with-users"));
    }

    [Test]
    public async Task NoSchema_SchemaCreateOverHttp_IsRefusedWith503_AndCreatesNothing()
    {
        // The first schema is the CLI's (SPEC §9): over HTTP anyone could choose "no keys" for everyone.
        await using var db = await TemporaryDatabase.CreateAsync();
        await using var factory = new ApiFactory(db.ConnectionString);
        using var client = factory.CreateClient();

        using var response = await client.PostJsonAsync("/schema/create", new { });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Is.Empty);
    }
}
