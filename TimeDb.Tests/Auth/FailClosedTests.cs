using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Schema;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Auth;

/// <summary>
/// SPEC §9 "fail closed": with the TimeDB tables missing the authentication mode is unknown, never "off";
/// every endpoint but /, health, docs and the viewer answers 503, and the first schema is the CLI's.
/// </summary>
public sealed class FailClosedTests
{
    private static readonly TimeSpan ModeCache = TimeSpan.FromMilliseconds(1_200);

    private static IEnumerable<(string Name, Func<HttpClient, Task<HttpResponseMessage>> Call)> DataAndAdminCalls()
    {
        yield return ("GET /values", c => c.GetAsync("/values"));
        yield return ("POST /runs", c => c.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", Row("w", "2025-01-02T00:00:00Z", 1))));
        yield return ("PUT /values", c => c.PutJsonAsync("/values", new { updates = new[] { new { run_id = Guid.NewGuid(), series_id = Guid.NewGuid(), valid_time = "2025-01-01T00:00:00Z", value = 1 } } }));
        yield return ("GET /runs", c => c.GetAsync("/runs"));
        yield return ("GET /series", c => c.GetAsync("/series"));
        yield return ("POST /series", c => c.PostJsonAsync("/series", new { name = "x" }));
        yield return ("GET /list_timeseries", c => c.GetAsync("/list_timeseries"));
        yield return ("GET /keys", c => c.GetAsync("/keys"));
        yield return ("POST /schema/create", c => c.PostJsonAsync("/schema/create", new { with_users = false }));
        yield return ("DELETE /schema/delete", c => c.DeleteAsync(new Uri("/schema/delete", UriKind.Relative)));
        yield return ("GET /no/such/route", c => c.GetAsync("/no/such/route"));
    }

    private static async Task<JsonElement> RootAuthenticationAsync(HttpClient client) =>
        (await client.GetAsync("/").ExpectAsync(200)).GetProperty("authentication");

    [Test]
    public async Task TablesDeletedUnderRunningApi_EverythingButRootHealthAndDocsIs503_AndHttpCannotCreateTheFirstSchema()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        Assert.That((await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"])).ExitCode, Is.Zero);
        await using var factory = new ApiFactory(db.ConnectionString);
        using var anonymous = factory.CreateClient();
        using var withKey = factory.CreateClient();
        withKey.DefaultRequestHeaders.Add("X-API-Key", "tdb_" + new string('a', 32));
        await anonymous.GetAsync("/values").ExpectAsync(200);
        Assert.That((await RootAuthenticationAsync(anonymous)).Str("mode"), Is.EqualTo("off"));

        var deleted = await CliRunner.RunAsync(["delete", "tables", "--dsn", db.ConnectionString, "-y"]);
        Assert.That(deleted.ExitCode, Is.Zero, deleted.Error);
        await Task.Delay(ModeCache);

        foreach (var client in new[] { anonymous, withKey })
        {
            foreach (var (name, call) in DataAndAdminCalls())
            {
                using var response = await call(client);
                var body = await response.Content.ReadAsStringAsync();
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), $"{name}: {body}");
                Assert.That(response.Headers.RetryAfter, Is.Not.Null, $"{name} carries Retry-After");
                Assert.That(JsonDocument.Parse(body).RootElement.Str("detail"), Does.Contain("timedb create tables").And.Contain("--with-users"), name);
            }

            var authentication = await RootAuthenticationAsync(client);
            Assert.That(authentication.Str("mode"), Is.EqualTo("unknown"));
            Assert.That(authentication.GetProperty("enabled").ValueKind, Is.EqualTo(JsonValueKind.Null));
            await client.GetAsync("/health/live").ExpectAsync(200);
            await client.GetAsync("/openapi.json").ExpectAsync(200);
            using (var docs = await client.GetAsync("/docs/index.html"))
            {
                Assert.That(docs.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the docs are served");
            }

            await client.GetAsync("/health/ready").ExpectAsync(503);
        }

        Assert.That(await Sql.TablesAsync(db.ConnectionString), Is.Empty, "POST /schema/create created nothing");

        // The operator creates the schema with the CLI: from then on a request without a key is not served.
        var created = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        Assert.That(created.ExitCode, Is.Zero, created.Error);
        await Task.Delay(ModeCache);
        await anonymous.GetAsync("/values").ExpectAsync(401);
        await anonymous.PostJsonAsync("/schema/create", new { with_users = false }).ExpectAsync(401);
        await withKey.GetAsync("/values").ExpectAsync(401);
        Assert.That((await RootAuthenticationAsync(anonymous)).Str("mode"), Is.EqualTo("on"));
        Assert.That(await Sql.ScalarAsync<string>(db.ConnectionString, "SELECT value FROM timedb_settings WHERE name = 'authentication'"), Is.EqualTo("on"));
    }

    [Test]
    public async Task SingleUserSchema_WhoseSettingsTableIsGone_IsUnknown_NotOff()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);
        await Sql.ExecuteAsync(db.ConnectionString, "DROP TABLE timedb_settings");
        await using var factory = new ApiFactory(db.ConnectionString);
        using var client = factory.CreateClient();

        var problem = await client.GetAsync("/values").ExpectAsync(503);
        Assert.That(problem.Str("detail"), Does.Contain("timedb create tables"));
        Assert.That((await RootAuthenticationAsync(client)).Str("mode"), Is.EqualTo("unknown"));
    }

    [Test]
    public async Task SchemaWithUsers_WhoseSettingRowIsMissing_StaysOn()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        await Sql.ExecuteAsync(db.ConnectionString, "DELETE FROM timedb_settings");
        await using var factory = new ApiFactory(db.ConnectionString);
        using var client = factory.CreateClient();

        await client.GetAsync("/values").ExpectAsync(401);
        await client.PostJsonAsync("/schema/create", new { with_users = false }).ExpectAsync(401);
        var authentication = await RootAuthenticationAsync(client);
        Assert.That(authentication.Str("mode"), Is.EqualTo("on"));
        Assert.That(authentication.GetProperty("enabled").GetBoolean(), Is.True);
    }

    [Test]
    public async Task SchemaAdministration_UpgradeWithoutSchema_IsRefused_AndCreatesNothing()
    {
        // The HTTP path never makes a first schema, even if a request got past the (cached) mode check.
        await using var db = await TemporaryDatabase.CreateAsync();
        await using var factory = new ApiFactory(db.ConnectionString);
        await using var scope = factory.Services.CreateAsyncScope();
        var schema = scope.ServiceProvider.GetRequiredService<ISchemaAdministration>();

        var refused = Assert.ThrowsAsync<DatabaseUnavailableException>(() => schema.UpgradeAsync(withUsers: false, CancellationToken.None));

        Assert.That(refused!.Problem, Is.EqualTo(DatabaseProblem.SchemaMissing));
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Is.Empty);
    }

    [Test]
    public async Task SingleUserSchema_SchemaCreate_StaysOpenWithoutKey()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);
        await using var factory = new ApiFactory(db.ConnectionString);
        using var client = factory.CreateClient();

        var answer = await client.PostJsonAsync("/schema/create", new { }).ExpectAsync(200);

        Assert.That(answer.GetProperty("authentication_enabled").GetBoolean(), Is.False);
    }
}
