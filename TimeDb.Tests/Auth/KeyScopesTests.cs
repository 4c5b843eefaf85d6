using System.Globalization;
using System.Net;
using System.Text.Json;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Auth;

/// <summary>SPEC §13 (scopes and expiry) and §9's key cap and no-store, through the real HTTP pipeline.</summary>
public sealed class KeyScopesTests : AuthenticatedApiTest
{
    private const string KnownTime = "2026-01-01T00:00:00Z";

    /// <summary>A user of tenant A of its own, so keys made by one test never count against another's cap.</summary>
    private Task<TestUser> FreshUserAsync() => CreateUserAsync(A.TenantId, $"keys-{Guid.NewGuid():N}@example.com", "unlimited");

    private static async Task<string> CreateKeyAsync(HttpClient client, object body) =>
        (await client.PostJsonAsync("/keys", body).ExpectAsync(201)).Str("api_key");

    [Test]
    public async Task ReadOnlyKey_Reads_ButEveryWriteAndKeyCallIs403NamingTheScope()
    {
        using var owner = ClientFor(await FreshUserAsync());
        using var readOnly = ClientWithKey(await CreateKeyAsync(owner, new { name = "reader", scopes = new[] { "read" } }));

        await readOnly.GetAsync("/series").ExpectAsync(200);
        await readOnly.GetAsync("/runs").ExpectAsync(200);
        await readOnly.GetAsync("/keys").ExpectAsync(200);

        var calls = new (string Call, Func<Task<HttpResponseMessage>> Send, string Scope)[]
        {
            ("POST /runs", () => readOnly.PostJsonAsync("/runs", Uploads.Run(KnownTime, Uploads.Row("x", KnownTime, 1))), "write"),
            ("POST /upload", () => readOnly.PostJsonAsync("/upload", Uploads.Run(KnownTime, Uploads.Row("x", KnownTime, 1))), "write"),
            ("PUT /values", () => readOnly.PutJsonAsync("/values", new { updates = new[] { new { run_id = Guid.NewGuid(), series_id = Guid.NewGuid(), valid_time = KnownTime, value = 0.0 } } }), "write"),
            ("POST /series", () => readOnly.PostJsonAsync("/series", new { name = "x" }), "write"),
            ("POST /keys", () => readOnly.PostJsonAsync("/keys", new { name = "more", scopes = new[] { "read" } }), "keys"),
            ("DELETE /keys/{id}", () => readOnly.DeleteAsync(new Uri($"/keys/{Guid.NewGuid()}", UriKind.Relative)), "keys"),
        };
        foreach (var (call, send, scope) in calls)
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"{call}: {body}");
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), call);
            Assert.That(body, Does.Contain($"lacks the '{scope}' scope"), call);
        }

        Assert.That(await Sql.ScalarAsync<long>(Dsn, "SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM series)"), Is.Zero, "nothing was stored");
    }

    [Test]
    public async Task WriteOnlyKey_Uploads_ButReadsAre403NamingRead()
    {
        using var owner = ClientFor(await FreshUserAsync());
        using var writer = ClientWithKey(await CreateKeyAsync(owner, new { name = "writer", scopes = new[] { "write" } }));

        await writer.PostJsonAsync("/runs", Uploads.Run(KnownTime, Uploads.Row("w", KnownTime, 1))).ExpectAsync(201);
        foreach (var url in new[] { "/values?series_key=w", "/series", "/runs", "/keys" })
        {
            var problem = await writer.GetAsync(url).ExpectAsync(403);
            Assert.That(problem.Str("detail"), Does.Contain("lacks the 'read' scope").And.Contain("--scope read"), url);
        }
    }

    [Test]
    public async Task AdminWithReadOnlyKey_SchemaCreate_Is403NamingWrite_AndNonAdmin_IsToldAdmin()
    {
        using var admin = ClientFor(Admin);
        var readOnlyAdminKey = await CreateKeyAsync(admin, new { name = "admin-reader", scopes = new[] { "read" } });
        using var readOnlyAdmin = ClientWithKey(readOnlyAdminKey);
        var scope = await readOnlyAdmin.PostJsonAsync("/schema/create", new { with_users = true }).ExpectAsync(403);
        Assert.That(scope.Str("detail"), Does.Contain("'write' scope"));

        using var owner = ClientFor(await FreshUserAsync());
        using var readOnly = ClientWithKey(await CreateKeyAsync(owner, new { name = "r", scopes = new[] { "read" } }));
        var notAdmin = await readOnly.PostJsonAsync("/schema/create", new { }).ExpectAsync(403);
        Assert.That(notAdmin.Str("detail"), Does.Contain("admin"));
    }

    [Test]
    public async Task Create_ShowsScopesAndExpiry_InThe201AndTheList_WithNoStore()
    {
        using var owner = ClientFor(await FreshUserAsync());
        using var response = await owner.PostJsonAsync("/keys", new { name = "month", scopes = new[] { "write", "read" }, expires_in_days = 30 });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True, "the answer holding the key must never be cached");
        var created = await response.JsonAsync();
        Assert.That(created.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "read", "write" }), "canonical order");
        var expires = created.GetProperty("expires_at").GetDateTimeOffset();
        Assert.That(expires, Is.EqualTo(DateTimeOffset.UtcNow.AddDays(30)).Within(TimeSpan.FromMinutes(1)));

        var listed = await owner.GetAsync("/keys").ExpectAsync(200);
        var month = listed.EnumerateArray().Single(k => k.Str("name") == "month");
        Assert.That(month.GetProperty("scopes").GetArrayLength(), Is.EqualTo(2));
        Assert.That(month.GetProperty("expires_at").GetDateTimeOffset(), Is.EqualTo(expires));
        var original = listed.EnumerateArray().Single(k => k.Str("name") == "default");
        Assert.That(original.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "read", "write", "keys" }));
        Assert.That(original.GetProperty("expires_at").ValueKind, Is.EqualTo(JsonValueKind.Null));

        using var list = await owner.GetAsync("/keys");
        Assert.That(list.Headers.CacheControl?.NoStore ?? false, Is.False, "lists carry no key");
    }

    [Test]
    public async Task Create_BadScopesOrExpiry_Is400NamingTheField_AndStoresNothing()
    {
        var user = await FreshUserAsync();
        using var owner = ClientFor(user);
        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("O", CultureInfo.InvariantCulture);
        var cases = new (object Body, string Says)[]
        {
            (new { name = "x", scopes = Array.Empty<string>() }, "read, write, keys"),
            (new { name = "x", scopes = new[] { "admin" } }, "read, write, keys"),
            (new { name = "x", scopes = new[] { "Read" } }, "'Read'"),
            (new { name = "x", expires_at = future, expires_in_days = 3 }, "not both"),
            (new { name = "x", expires_at = "2020-01-01T00:00:00Z" }, "not in the future"),
            (new { name = "x", expires_in_days = 0 }, "expires_in_days"),
            (new { name = "x", expires_in_days = 1_000_000 }, "expires_in_days"),
        };
        foreach (var (body, says) in cases)
        {
            var problem = await owner.PostJsonAsync("/keys", body).ExpectAsync(400);
            Assert.That(problem.ToString(), Does.Contain(says), JsonSerializer.Serialize(body));
        }

        Assert.That(await Sql.ScalarAsync<long>(Dsn, $"SELECT count(*) FROM api_keys WHERE user_id = '{user.UserId}'"), Is.EqualTo(1));
    }

    [Test]
    public async Task KeysScope_CreatesOnlyWithinItsOwnScopesAndExpiry()
    {
        using var owner = ClientFor(await FreshUserAsync());
        var limitedExpiry = DateTimeOffset.UtcNow.AddDays(7);
        using var limited = ClientWithKey(await CreateKeyAsync(owner, new
        {
            name = "limited", scopes = new[] { "read", "keys" }, expires_at = limitedExpiry.ToString("O", CultureInfo.InvariantCulture),
        }));

        var wider = await limited.PostJsonAsync("/keys", new { name = "w", scopes = new[] { "read", "write" }, expires_in_days = 1 }).ExpectAsync(403);
        Assert.That(wider.Str("detail"), Does.Contain("cannot create a key with write"));
        var allByDefault = await limited.PostJsonAsync("/keys", new { name = "d", expires_in_days = 1 }).ExpectAsync(403);
        Assert.That(allByDefault.Str("detail"), Does.Contain("write"));
        var forever = await limited.PostJsonAsync("/keys", new { name = "f", scopes = new[] { "read" } }).ExpectAsync(403);
        Assert.That(forever.Str("detail"), Does.Contain("outlives it"));
        var later = await limited.PostJsonAsync("/keys", new { name = "l", scopes = new[] { "read" }, expires_in_days = 8 }).ExpectAsync(403);
        Assert.That(later.Str("detail"), Does.Contain("outlives it"));

        var within = await limited.PostJsonAsync("/keys", new { name = "ok", scopes = new[] { "read" }, expires_in_days = 6 }).ExpectAsync(201);
        Assert.That(within.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "read" }));
        var same = await limited.PostJsonAsync("/keys", new
        {
            name = "same", scopes = new[] { "keys", "read" }, expires_at = limitedExpiry.ToString("O", CultureInfo.InvariantCulture),
        }).ExpectAsync(201);
        Assert.That(same.GetProperty("expires_at").GetDateTimeOffset(), Is.EqualTo(limitedExpiry).Within(TimeSpan.FromMilliseconds(1)));

        // A key without expiry creates keys with any expiry; the full key creates any scopes.
        await owner.PostJsonAsync("/keys", new { name = "any", expires_in_days = 3650 }).ExpectAsync(201);
    }

    [Test]
    public async Task ExpiredKey_Is401InvalidApiKey_WithTheStandardBody()
    {
        using var owner = ClientFor(await FreshUserAsync());
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(3);
        using var shortLived = ClientWithKey(await CreateKeyAsync(owner, new
        {
            name = "short", expires_at = expiresAt.ToString("O", CultureInfo.InvariantCulture),
        }));
        await shortLived.GetAsync("/series").ExpectAsync(200);

        // Keep the lookup warm in the key cache right up to the expiry: the cache must not carry the key past it.
        while (DateTimeOffset.UtcNow < expiresAt)
        {
            using var warm = await shortLived.GetAsync("/series");
            await Task.Delay(100);
        }

        using var response = await shortLived.GetAsync("/series");
        var problem = await response.JsonAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), problem.ToString());
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("ApiKey header=X-API-Key"));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.Str("error"), Is.EqualTo("Unauthorized"));
        Assert.That(problem.Str("message"), Is.EqualTo("Invalid API key"));
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(401));

        using var unknown = ClientWithKey("tdb_" + new string('0', 32));
        var unknownProblem = await unknown.GetAsync("/series").ExpectAsync(401);
        Assert.That(problem.Str("message"), Is.EqualTo(unknownProblem.Str("message")));
        Assert.That(problem.Str("detail"), Is.EqualTo(unknownProblem.Str("detail")), "an expired key is told apart from an unknown one nowhere");
    }

    [Test]
    public async Task KeyCap_The101stUnrevokedKey_Is409SayingToRevoke_AndRevokingMakesRoom()
    {
        var user = await FreshUserAsync();
        using var owner = ClientFor(user);
        for (var i = 2; i <= 100; i++)
        {
            await owner.PostJsonAsync("/keys", new { name = $"k{i}" }).ExpectAsync(201);
        }

        var full = await owner.PostJsonAsync("/keys", new { name = "k101" }).ExpectAsync(409);
        Assert.That(full.Str("detail"), Does.Contain("100").And.Contain("DELETE /keys/").And.Contain("timedb keys revoke"));

        var keys = await owner.GetAsync("/keys").ExpectAsync(200);
        var victim = keys.EnumerateArray().First(k => k.Str("name") == "k2").Id("key_id");
        await owner.DeleteAsync(new Uri($"/keys/{victim}", UriKind.Relative)).ExpectAsync(200);
        await owner.PostJsonAsync("/keys", new { name = "k101" }).ExpectAsync(201);
        Assert.That(await UnrevokedAsync(user), Is.EqualTo(100));
    }

    [Test]
    public async Task KeyCap_ConcurrentCreates_NeverPass100()
    {
        var user = await FreshUserAsync();
        // 89 more keys straight into the table: with the default one, 90 held.
        await Sql.ExecuteAsync(Dsn, $"""
            INSERT INTO api_keys (key_id, user_id, tenant_id, name, key_hash, prefix)
            SELECT gen_random_uuid(), '{user.UserId}', '{user.TenantId}', 'filler', sha256(gen_random_uuid()::text::bytea), 'tdb_00000000'
            FROM generate_series(1, 89)
            """);
        using var owner = ClientFor(user);

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await owner.PostJsonAsync("/keys", new { name = $"race{i}" });
            return (int)response.StatusCode;
        }));

        Assert.That(answers.Count(s => s == 201), Is.EqualTo(10), string.Join(",", answers));
        Assert.That(answers.Count(s => s == 409), Is.EqualTo(20), string.Join(",", answers));
        Assert.That(await UnrevokedAsync(user), Is.EqualTo(100));
    }

    [Test]
    public async Task Keys_OfTenantB_Are404ToTenantA_OnDelete_AndNotListed()
    {
        using var b = ClientFor(B);
        var bKey = (await b.PostJsonAsync("/keys", new { name = "b-only", scopes = new[] { "read" } }).ExpectAsync(201)).Id("key_id");
        using var owner = ClientFor(await FreshUserAsync());

        await owner.DeleteAsync(new Uri($"/keys/{bKey}", UriKind.Relative)).ExpectAsync(404);
        await owner.DeleteAsync(new Uri($"/keys/{B.KeyId}", UriKind.Relative)).ExpectAsync(404);
        var listed = await owner.GetAsync("/keys").ExpectAsync(200);
        Assert.That(listed.ToString(), Does.Not.Contain(bKey.ToString()).And.Not.Contain(B.KeyId.ToString()));
        Assert.That(await Sql.ScalarAsync<long>(Dsn, $"SELECT count(*) FROM api_keys WHERE key_id IN ('{bKey}', '{B.KeyId}') AND revoked_at IS NULL"), Is.EqualTo(2));
    }

    private Task<long> UnrevokedAsync(TestUser user) =>
        Sql.ScalarAsync<long>(Dsn, $"SELECT count(*) FROM api_keys WHERE user_id = '{user.UserId}' AND revoked_at IS NULL");
}
