using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Reliability;

/// <summary>
/// The logs of a real `timedb api`, at Debug level and in JSON, after traffic on every endpoint carrying
/// marked values: no API key, no database password, no request body value; a 5xx is logged exactly once,
/// with the correlation id its problem answer carries.
/// </summary>
public sealed partial class LogSafetyTests
{
    private const string Mark = "zqmark";

    [GeneratedRegex("tdb_[0-9a-f]{32}")]
    private static partial Regex FullApiKey();

    [Test]
    public async Task Logs_HoldNoKeyNoPasswordNoBodyValue_And5xxIsLoggedOnceWithItsCorrelationId()
    {
        var dsn = await TestEnvironment.Server.CreateDatabaseAsync("timedb_logs");
        try
        {
            Assert.That((await CliRunner.RunAsync(["create", "tables", "--dsn", dsn, "--with-users", "-y"])).ExitCode, Is.Zero);
            var created = await CliRunner.RunAsync(["users", "create", "--dsn", dsn, "-t", Guid.NewGuid().ToString(), "-e", "logs@example.com", "--tier", "unlimited", "--json"]);
            var key = JsonDocument.Parse(created.Out).RootElement.GetProperty("api_key").GetString()!;
            var password = new NpgsqlConnectionStringBuilder(dsn).Password;
            Assert.That(password, Is.Not.Empty, "the test database has a password to leak");

            var settings = new Dictionary<string, string?>
            {
                ["TimeDb__LogFormat"] = "json",
                ["Serilog__MinimumLevel__Default"] = "Debug",
                ["Serilog__MinimumLevel__Override__Microsoft.AspNetCore"] = "Debug",
                ["Serilog__MinimumLevel__Override__Microsoft.EntityFrameworkCore"] = "Debug",
            };
            await using var api = await ApiProcess.StartAsync(dsn, settings);
            using var client = api.CreateClient(key);
            var (secrets, traceId) = await SendTrafficAsync(api, client, key, dsn);
            secrets.Add(password);
            await Task.Delay(500); // the console sink writes asynchronously
            await api.KillAsync();

            var log = api.Output;
            Assert.That(log, Has.Count.GreaterThan(20), "the traffic was logged");
            Assert.Multiple(() =>
            {
                foreach (var secret in secrets)
                {
                    Assert.That(log.Where(l => l.Contains(secret, StringComparison.OrdinalIgnoreCase)), Is.Empty, $"'{secret[..Math.Min(6, secret.Length)]}…' in the logs");
                }

                Assert.That(log.Where(l => FullApiKey().IsMatch(l)), Is.Empty, "a whole API key in the logs");
                Assert.That(log.Where(l => l.Contains(Mark, StringComparison.OrdinalIgnoreCase)), Is.Empty, "a request body or query value in the logs");
                Assert.That(log.Where(l => l.Contains("424242", StringComparison.Ordinal)), Is.Empty, "an uploaded number in the logs");
            });

            // At Debug every event of the request carries its id (RequestId); the failure itself is one event.
            var mentions = log.Where(l => l.Contains(traceId, StringComparison.Ordinal) && IsWarningOrWorse(l)).ToList();
            Assert.That(mentions, Has.Count.EqualTo(1), "the 500 is logged once, with its correlation id");
            var entry = JsonDocument.Parse(mentions[0]).RootElement;
            Assert.That(entry.GetProperty("@l").GetString(), Is.EqualTo("Error"));
            Assert.That(entry.GetProperty("@x").GetString(), Does.Contain("series_unit"), "with the exception");
            Assert.That(entry.GetProperty("CorrelationId").GetString(), Is.EqualTo(traceId));
        }
        finally
        {
            await TestEnvironment.Server.DropDatabaseAsync(dsn);
        }
    }

    [Test]
    public async Task RequestPathWithControlCharacters_IsLoggedEscaped_NeverRaw()
    {
        await using var factory = new ApiFactory(TestEnvironment.AppConnectionString);
        using var client = factory.CreateClient();
        var marker = $"zqctl{Guid.NewGuid():N}";

        // A forged log line and a terminal escape, percent-encoded as a client can send them.
        using (var response = await client.GetAsync($"/{marker}%0a[12:00:00%20INF]%20forged%0d%1b[31mred%e2%80%a8"))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        var events = SuiteLogSink.Instance.Events.Where(e => e.Contains(marker, StringComparison.Ordinal)).ToList();
        Assert.That(events, Is.Not.Empty, "the request was logged");
        Assert.Multiple(() =>
        {
            foreach (var text in events)
            {
                Assert.That(text.Where(c => char.IsControl(c) || c is '\u2028' or '\u2029').Select(c => (int)c), Is.Empty, text);
                Assert.That(text, Does.Contain(@"\n[12:00:00 INF] forged\r\u001b[31mred\u2028"), "escaped, still readable");
            }
        });
    }

    /// <summary>Every endpoint, good and bad calls, values marked; returns the secrets used and the 500's traceId.</summary>
    private static async Task<(List<string> Secrets, string TraceId)> SendTrafficAsync(ApiProcess api, HttpClient client, string key, string dsn)
    {
        var secrets = new List<string> { key };
        await client.GetAsync("/").ExpectAsync(200);
        await client.GetAsync("/health/ready").ExpectAsync(200);
        var second = await client.PostJsonAsync("/keys", new { name = $"{Mark}-key-name" }).ExpectAsync(201);
        secrets.Add(second.Str("api_key"));
        await client.GetAsync("/keys").ExpectAsync(200);

        var upload = new
        {
            run_start_time = "2025-01-01T00:00:00Z", workflow_id = $"{Mark}-workflow", run_params = new { note = $"{Mark}-params" },
            series_descriptions = new Dictionary<string, string> { [$"{Mark}-series"] = $"{Mark}-description" },
            value_rows = new[] { new { value_key = $"{Mark}-series", valid_time = "2025-01-02T00:00:00Z", value = 424242.4242 } },
        };
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/runs", UriKind.Relative)) { Content = JsonContent(upload) })
        {
            request.Headers.Add("Idempotency-Key", $"{Mark}-idempotency");
            using var response = await client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        var run = (await client.GetAsync("/runs").ExpectAsync(200))[0];
        var series = (await client.GetAsync($"/values?series_key={Mark}-series").ExpectAsync(200)).Data()[0];
        await client.GetAsync($"/runs/{run.Str("run_id")}").ExpectAsync(200);
        await client.PutJsonAsync("/values", new
        {
            updates = new[] { new { run_id = run.Str("run_id"), series_id = series.Str("series_id"), valid_time = "2025-01-02T00:00:00Z", annotation = $"{Mark}-annotation", tags = new[] { $"{Mark}-tag" } } },
        }).ExpectAsync(200);
        await client.PostJsonAsync("/series", new { name = $"{Mark}-created", description = $"{Mark}-d" }).ExpectAsync(201);
        await client.GetAsync("/series").ExpectAsync(200);
        await client.GetAsync("/list_timeseries").ExpectAsync(200);

        // Refusals: a bad body, a wrong key, a revoked key.
        await client.PostRawAsync("/runs", $"{{\"run_start_time\": \"{Mark}-not-a-time\", ").ExpectAsync(400);
        await client.PutRawAsync("/values", $"{{\"updates\": [{{\"run_id\": \"{Mark}\"}}]}}").ExpectAsync(400);
        var wrong = "tdb_" + new string('e', 32);
        secrets.Add(wrong);
        using (var stranger = api.CreateClient(wrong))
        {
            await stranger.GetAsync("/values").ExpectAsync(401);
        }

        await client.DeleteAsync(new Uri($"/keys/{second.Str("key_id")}", UriKind.Relative));
        using (var revoked = api.CreateClient(second.Str("api_key")))
        {
            await Task.Delay(1_100); // key cache
            await revoked.GetAsync("/values").ExpectAsync(401);
        }

        // A real 500: a column the API needs has gone.
        await Sql.ExecuteAsync(dsn, "ALTER TABLE series RENAME COLUMN series_unit TO series_unit_gone");
        JsonElement problem;
        try
        {
            problem = await client.GetAsync("/values").ExpectAsync(500);
        }
        finally
        {
            await Sql.ExecuteAsync(dsn, "ALTER TABLE series RENAME COLUMN series_unit_gone TO series_unit");
        }

        Assert.That(problem.Str("detail"), Does.Not.Contain("series_unit"), "no exception text in the answer");
        return (secrets, problem.Str("traceId"));
    }

    // Compact JSON leaves @l out for Information and below.
    private static bool IsWarningOrWorse(string line) =>
        line.StartsWith('{') && JsonDocument.Parse(line).RootElement.TryGetProperty("@l", out var level)
        && level.GetString() is "Warning" or "Error" or "Fatal";

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
