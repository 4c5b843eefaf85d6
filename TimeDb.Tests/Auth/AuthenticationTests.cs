using System.Net;
using System.Text.Json;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Auth;

public sealed class AuthenticationTests : AuthenticatedApiTest
{
    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response, string message)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), body);
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("ApiKey header=X-API-Key"));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("status").GetInt32(), Is.EqualTo(401));
            Assert.That(root.GetProperty("title").GetString(), Is.Not.Empty);
            Assert.That(root.GetProperty("detail").GetString(), Is.Not.Empty);
            Assert.That(root.GetProperty("error").GetString(), Is.EqualTo("Unauthorized"));
            Assert.That(root.GetProperty("message").GetString(), Is.EqualTo(message));
        });
    }

    private static IEnumerable<Func<HttpClient, Task<HttpResponseMessage>>> ProtectedCalls()
    {
        yield return c => c.GetAsync("/values");
        yield return c => c.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", Row("w", "2025-01-02T00:00:00Z", 1)));
        yield return c => c.PostJsonAsync("/upload", Run("2025-01-01T00:00:00Z", Row("w", "2025-01-02T00:00:00Z", 1)));
        yield return c => c.PutJsonAsync("/values", new { updates = new[] { new { run_id = Guid.NewGuid(), series_id = Guid.NewGuid(), valid_time = "2025-01-01T00:00:00Z", value = 1 } } });
        yield return c => c.GetAsync("/runs");
        yield return c => c.GetAsync($"/runs/{Guid.NewGuid()}");
        yield return c => c.GetAsync("/series");
        yield return c => c.PostJsonAsync("/series", new { name = "x" });
        yield return c => c.GetAsync("/list_timeseries");
        yield return c => c.GetAsync("/keys");
        yield return c => c.PostJsonAsync("/keys", new { name = "x" });
        yield return c => c.DeleteAsync(new Uri($"/keys/{Guid.NewGuid()}", UriKind.Relative));
        yield return c => c.PostJsonAsync("/schema/create", new { });
        yield return c => c.DeleteAsync(new Uri("/schema/delete", UriKind.Relative));
    }

    [Test]
    public async Task EveryProtectedEndpoint_WithoutKey_Is401MissingApiKey_AndStoresNothing()
    {
        using var client = ClientWithKey(null);
        foreach (var call in ProtectedCalls())
        {
            using var response = await call(client);
            await AssertUnauthorizedAsync(response, "Missing API key");
        }

        Assert.That(await Sql.ScalarAsync<long>(Dsn, "SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM series)"), Is.Zero);
    }

    [TestCase("not-a-key")]
    [TestCase("tdb_00000000000000000000000000000000")]
    [TestCase("TDB_0123456789ABCDEF0123456789ABCDEF")]
    public async Task MalformedOrUnknownKey_Is401InvalidApiKey(string key)
    {
        using var client = ClientWithKey(key);
        foreach (var call in ProtectedCalls())
        {
            using var response = await call(client);
            await AssertUnauthorizedAsync(response, "Invalid API key");
        }
    }

    [TestCase("/")]
    [TestCase("/health/live")]
    [TestCase("/health/ready")]
    [TestCase("/openapi.json")]
    [TestCase("/docs/index.html")]
    [TestCase("/redoc/index.html")]
    public async Task AnonymousEndpoints_NeedNoKey(string path)
    {
        using var client = ClientWithKey(null);
        using var response = await client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Root_SaysAuthenticationIsOn()
    {
        using var client = ClientWithKey(null);
        var root = await client.GetAsync("/").ExpectAsync(200);
        Assert.That(root.GetProperty("authentication").GetProperty("enabled").GetBoolean(), Is.True);
    }

    [TestCase("text/csv")]
    [TestCase("application/vnd.apache.arrow.stream")]
    public async Task MissingKey_AskingForCsvOrArrow_Is401WithItsProblemBody(string accept)
    {
        using var client = ClientWithKey(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/values", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await client.SendAsync(request);
        await AssertUnauthorizedAsync(response, "Missing API key");
    }

    [Test]
    public async Task ValidKey_Works()
    {
        using var client = ClientFor(A);
        await client.UploadAsync(Run("2025-01-01T00:00:00Z", Row("w", "2025-01-02T00:00:00Z", 1)));
        Assert.That((await client.GetAsync("/values").ExpectAsync(200)).Data(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Deactivation_BlocksEveryKeyWithinOneSecond_AndActivationRestoresThem()
    {
        var user = await CreateUserAsync(Guid.NewGuid(), $"temp-{Guid.NewGuid():N}@example.com", "unlimited");
        var second = await CliAsync("keys", "create", "-e", user.Email, "--json");
        using var secondJson = JsonDocument.Parse(second.Out);
        using var c1 = ClientFor(user);
        using var c2 = ClientWithKey(secondJson.RootElement.GetProperty("api_key").GetString());
        await c1.GetAsync("/series").ExpectAsync(200);
        await c2.GetAsync("/series").ExpectAsync(200);

        var deactivated = await CliAsync("users", "deactivate", "-e", user.Email, "-y");
        Assert.That(deactivated.ExitCode, Is.Zero, deactivated.Error);
        await Task.Delay(TimeSpan.FromSeconds(1));
        using (var r1 = await c1.GetAsync("/series"))
        using (var r2 = await c2.GetAsync("/series"))
        {
            await AssertUnauthorizedAsync(r1, "Invalid API key");
            await AssertUnauthorizedAsync(r2, "Invalid API key");
        }

        Assert.That((await CliAsync("users", "activate", "-e", user.Email)).ExitCode, Is.Zero);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await c1.GetAsync("/series").ExpectAsync(200);
        await c2.GetAsync("/series").ExpectAsync(200);
    }

    [Test]
    public async Task Revocation_IsPermanent_EvenAfterActivation()
    {
        var user = await CreateUserAsync(Guid.NewGuid(), $"rev-{Guid.NewGuid():N}@example.com", "unlimited");
        using var client = ClientFor(user);
        await client.GetAsync("/series").ExpectAsync(200);

        Assert.That((await CliAsync("keys", "revoke", "--key-id", user.KeyId.ToString(), "-y")).ExitCode, Is.Zero);
        await Task.Delay(TimeSpan.FromSeconds(1));
        using (var revoked = await client.GetAsync("/series"))
        {
            await AssertUnauthorizedAsync(revoked, "Invalid API key");
        }

        await CliAsync("users", "deactivate", "-e", user.Email, "-y");
        await CliAsync("users", "activate", "-e", user.Email);
        await Task.Delay(TimeSpan.FromSeconds(1));
        using var stillRevoked = await client.GetAsync("/series");
        await AssertUnauthorizedAsync(stillRevoked, "Invalid API key");
    }

    [Test]
    public async Task RegenerateKey_RevokesTheOldKeys_AndTheNewOneWorks()
    {
        var user = await CreateUserAsync(Guid.NewGuid(), $"regen-{Guid.NewGuid():N}@example.com", "unlimited");
        var regenerated = await CliAsync("users", "regenerate-key", "-e", user.Email, "-y", "--json");
        Assert.That(regenerated.ExitCode, Is.Zero, regenerated.Error);
        using var json = JsonDocument.Parse(regenerated.Out);
        await Task.Delay(TimeSpan.FromSeconds(1));

        using var old = ClientFor(user);
        using var fresh = ClientWithKey(json.RootElement.GetProperty("api_key").GetString());
        using (var oldResponse = await old.GetAsync("/series"))
        {
            await AssertUnauthorizedAsync(oldResponse, "Invalid API key");
        }

        await fresh.GetAsync("/series").ExpectAsync(200);
    }

    [Test]
    public async Task LastUsedAt_IsRecordedInTheBackground()
    {
        var user = await CreateUserAsync(Guid.NewGuid(), $"used-{Guid.NewGuid():N}@example.com", "unlimited");
        using var client = ClientFor(user);
        await client.GetAsync("/series").ExpectAsync(200);

        DateTime? lastUsed = null;
        for (var i = 0; i < 50 && lastUsed is null; i++)
        {
            lastUsed = await Sql.ScalarAsync<DateTime?>(Dsn, $"SELECT last_used_at FROM api_keys WHERE key_id = '{user.KeyId}'");
            await Task.Delay(100);
        }

        Assert.That(lastUsed, Is.Not.Null);
    }

    [Test]
    public async Task ChangedBy_IsTheKeyOwnersEmail_WhateverTheBodySays()
    {
        using var client = ClientFor(A);
        var upload = await client.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", Row("w", "2025-01-02T00:00:00Z", 1))).ExpectAsync(201);
        await client.PutJsonAsync("/values", new
        {
            updates = new[]
            {
                new { run_id = upload.Id("run_id"), series_id = upload.GetProperty("series_ids").Id("w"), valid_time = "2025-01-02T00:00:00Z", value = 2.0, changed_by = "mallory@evil.example", value_id = 1 },
            },
        }).ExpectAsync(200);

        var versions = (await client.GetAsync("/values?mode=overlapping&all_versions=true").ExpectAsync(200)).Data();
        Assert.That(versions.Select(v => v.Str("changed_by")), Has.All.EqualTo(A.Email));
    }

    [Test]
    public async Task PlainKeys_AreNowhereInTheDatabase()
    {
        using var client = ClientFor(A);
        var created = await client.PostJsonAsync("/keys", new { name = "pipeline" }).ExpectAsync(201);
        var keys = new[] { A.Key, B.Key, Admin.Key, created.Str("api_key") };

        var dump = string.Join('\n', await Sql.ColumnAsync(Dsn, """
            SELECT string_agg(row_to_json(t)::text, E'\n') FROM (
              SELECT to_jsonb(u) AS r FROM users u UNION ALL SELECT to_jsonb(k) FROM api_keys k
              UNION ALL SELECT to_jsonb(s) FROM timedb_settings s) t
            """));
        var hexDump = string.Join('\n', await Sql.ColumnAsync(Dsn, "SELECT encode(key_hash, 'hex') FROM api_keys"));
        foreach (var key in keys)
        {
            Assert.That(dump, Does.Not.Contain(key).And.Not.Contain(key[4..]));
            Assert.That(hexDump, Does.Not.Contain(key[4..]));
        }

        Assert.That(dump, Does.Contain(A.Email), "the dump did read the tables");
    }
}
