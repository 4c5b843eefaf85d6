using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using TimeDb.Tests.Reliability;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Deployment;

/// <summary>
/// The multi-instance setup of deploy/scale-out.sh (nginx, two API instances, PgBouncer in transaction
/// pooling) behaves as one API: authentication, isolation, uploads and reads, rate limits, deactivation,
/// revocation and idempotent retries, whichever instance answers; and an instance killed in the middle
/// of the traffic costs clients only retryable answers and no data.
/// </summary>
[Category(TestSize.Long)]
[NonParallelizable]
public sealed class ScaleOutTests
{
    private const int Instances = 2;
    private ScaleOutSetup _setup = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _setup = await ScaleOutSetup.StartAsync(Instances);

    [OneTimeTearDown]
    public async Task StopAsync() => await _setup.DisposeAsync();

    [Test]
    public async Task Authentication_ThroughNginx()
    {
        var user = await _setup.CreateUserAsync("unlimited");
        using var anonymous = _setup.CreateClient();
        using var wrong = _setup.CreateClient("tdb_" + new string('0', 32));
        using var client = _setup.CreateClient(user.Key);

        await anonymous.GetAsync("/health/ready").ExpectAsync(200);
        using var missing = await anonymous.GetAsync("/series");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(missing.Headers.WwwAuthenticate.ToString(), Is.EqualTo("ApiKey header=X-API-Key"));
        Assert.That((await missing.JsonAsync()).GetProperty("message").GetString(), Is.EqualTo("Missing API key"));
        var invalid = await wrong.GetAsync("/series").ExpectAsync(401);
        Assert.That(invalid.GetProperty("message").GetString(), Is.EqualTo("Invalid API key"));
        await client.GetAsync("/series").ExpectAsync(200);
    }

    [Test]
    public async Task UploadAndRead_ThroughNginx_WhicheverInstanceAnswers()
    {
        var user = await _setup.CreateUserAsync("unlimited");
        using var client = _setup.CreateClient(user.Key);
        var rows = Enumerable.Range(0, 500).Select(i => Uploads.Row($"s{i % 5}", $"2025-01-{1 + i / 100:00}T{i % 24:00}:00:00Z", i + 0.5)).ToArray();
        var run = await client.UploadAsync(Uploads.Run("2025-01-01T00:00:00Z", rows));

        var upstreams = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            using var flat = await client.GetAsync("/values?start_valid=2025-01-01T00:00:00Z&end_valid=2025-02-01T00:00:00Z");
            Assert.That(flat.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            upstreams.Add(flat.Headers.GetValues("X-TimeDb-Upstream").Single());
            var json = await flat.JsonAsync();
            Assert.That(json.GetProperty("count").GetInt32(), Is.EqualTo(500));
            Assert.That(json.GetProperty("data").EnumerateArray().All(r => r.Id("run_id") == run));
        }

        var overlapping = await client.GetAsync("/values?mode=overlapping&series_key=s0").ExpectAsync(200);
        Assert.That(overlapping.GetProperty("count").GetInt32(), Is.EqualTo(100));
        await client.GetAsync($"/runs/{run}").ExpectAsync(200);
        Assert.That(upstreams, Has.Count.EqualTo(Instances), "nginx spreads requests over the instances");
    }

    [Test]
    public async Task Isolation_ThroughNginx()
    {
        var a = await _setup.CreateUserAsync("unlimited");
        var b = await _setup.CreateUserAsync("unlimited");
        using var clientA = _setup.CreateClient(a.Key);
        using var clientB = _setup.CreateClient(b.Key);
        var uploaded = await clientA.PostJsonAsync("/runs", Uploads.Run("2025-01-01T00:00:00Z", Uploads.Row("private", "2025-01-01T00:00:00Z", 1))).ExpectAsync(201);
        var run = uploaded.Id("run_id");
        var series = uploaded.GetProperty("series_ids").Id("private");

        // Twice each, so that both instances answer B.
        for (var i = 0; i < Instances; i++)
        {
            Assert.That((await clientB.GetAsync("/values?mode=overlapping").ExpectAsync(200)).GetProperty("count").GetInt32(), Is.Zero);
            Assert.That((await clientB.GetAsync("/series").ExpectAsync(200)).ToString(), Does.Not.Contain("private"));
            Assert.That((await clientB.GetAsync("/runs").ExpectAsync(200)).ToString(), Does.Not.Contain(run.ToString()));
            await clientB.GetAsync($"/runs/{run}").ExpectAsync(404);
            await clientB.PutJsonAsync("/values", new { updates = new[] { new { run_id = run, series_id = series, valid_time = "2025-01-01T00:00:00Z", value = 9.0 } } }).ExpectAsync(404);
        }

        var stillA = await clientA.GetAsync("/values?series_key=private").ExpectAsync(200);
        Assert.That(stillA.GetProperty("data")[0].GetProperty("value").GetDouble(), Is.EqualTo(1));
    }

    [Test]
    public async Task RateLimit_HoldsForTheUserAcrossInstances()
    {
        await RateWindows.WaitForFreshWindowAsync(_setup.ConnectionString);
        var user = await _setup.CreateUserAsync("free");
        using var client = _setup.CreateClient(user.Key);
        var answers = new List<(int Status, string Upstream, TimeSpan? RetryAfter)>();
        for (var i = 0; i < 25; i++)
        {
            using var response = await client.GetAsync(new Uri("/series", UriKind.Relative));
            answers.Add(((int)response.StatusCode, response.Headers.GetValues("X-TimeDb-Upstream").Single(), response.Headers.RetryAfter?.Delta));
        }

        var described = string.Join(", ", answers.Select(a => $"{a.Status}@{a.Upstream}"));
        Assert.That(answers.Count(a => a.Status == 200), Is.EqualTo(10), described);
        Assert.That(answers.Skip(10).Select(a => a.Status), Is.All.EqualTo(429), described);
        Assert.That(answers.Where(a => a.Status == 200).Select(a => a.Upstream).Distinct().Count(), Is.EqualTo(Instances), described);
        Assert.That(answers.Where(a => a.Status == 429).Select(a => a.Upstream).Distinct().Count(), Is.EqualTo(Instances), described);
        Assert.That(answers.Where(a => a.Status == 429), Has.All.Matches<(int, string, TimeSpan? RetryAfter)>(a => a.RetryAfter > TimeSpan.Zero));
    }

    [Test]
    public async Task DeactivationAndRevocation_SeenByEveryInstanceWithinOneSecond()
    {
        var deactivated = await _setup.CreateUserAsync("unlimited");
        var revoked = await _setup.CreateUserAsync("unlimited");
        foreach (var user in (TestUser[])[deactivated, revoked])
        {
            // Every instance has the key cached.
            for (var n = 1; n <= Instances; n++)
            {
                using var instance = _setup.InstanceClient(n, user.Key);
                await instance.GetAsync("/series").ExpectAsync(200);
            }
        }

        var off = await _setup.CliAsync("users", "deactivate", "-t", deactivated.TenantId.ToString(), "-e", deactivated.Email, "-y");
        Assert.That(off.ExitCode, Is.Zero, off.Error);
        var revoke = await _setup.CliAsync("keys", "revoke", "-k", revoked.KeyId.ToString(), "-y");
        Assert.That(revoke.ExitCode, Is.Zero, revoke.Error);
        await Task.Delay(TimeSpan.FromSeconds(1));

        foreach (var user in (TestUser[])[deactivated, revoked])
        {
            for (var n = 1; n <= Instances; n++)
            {
                using var instance = _setup.InstanceClient(n, user.Key);
                await instance.GetAsync("/series").ExpectAsync(401);
            }

            using var client = _setup.CreateClient(user.Key);
            for (var i = 0; i < 4; i++)
            {
                await client.GetAsync("/series").ExpectAsync(401);
            }
        }
    }

    [Test]
    public async Task IdempotencyKey_HonouredWhicheverInstanceTheRetryReaches()
    {
        var user = await _setup.CreateUserAsync("unlimited");
        var body = Uploads.Run("2025-01-01T00:00:00Z", Uploads.Row("idem", "2025-01-01T00:00:00Z", 1));
        using var first = _setup.InstanceClient(1, user.Key);
        using var second = _setup.InstanceClient(2, user.Key);

        using var original = await SendWithKeyAsync(first, "retry-1", body);
        Assert.That(original.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        using var retry = await SendWithKeyAsync(second, "retry-1", body);
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(retry.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
        Assert.That((await retry.JsonAsync()).Id("run_id"), Is.EqualTo((await original.JsonAsync()).Id("run_id")));
        using var other = await SendWithKeyAsync(second, "retry-1", Uploads.Run("2025-01-01T00:00:00Z", Uploads.Row("idem", "2025-01-01T00:00:00Z", 2)));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        var runs = await Sql.ScalarAsync<long>(_setup.ConnectionString, $"SELECT count(*) FROM runs WHERE tenant_id = '{user.TenantId}'");
        Assert.That(runs, Is.EqualTo(1));
    }

    [Test]
    public async Task StatementTimeout_ThroughPgBouncer_IsTheApiRolesDefault()
    {
        // Startup options cannot pass PgBouncer; the role default stands in (ADR-011).
        var setting = await Sql.ScalarAsync<string>(_setup.ConnectionString, $"SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = '{_setup.Database}_api'");
        Assert.That(setting, Is.EqualTo("statement_timeout=120s"));
    }

    [Test]
    public async Task EveryInstanceDown_NginxAnswersTheRetryable503Problem()
    {
        using var client = _setup.CreateClient();
        for (var n = 1; n <= Instances; n++)
        {
            await _setup.KillAsync(n);
        }

        // The supervisors restart the instances after 1 s; until then nobody answers.
        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await response.JsonAsync()).GetProperty("status").GetInt32(), Is.EqualTo(503));

        await _setup.WaitUntilAllReadyAsync(Instances, TimeSpan.FromSeconds(60));
        await client.GetAsync("/health/ready").ExpectAsync(200);
    }

    [Test]
    public async Task InstanceKilledMidTraffic_ClientsSeeOnlyRetryableErrors_AndNoDataIsLost()
    {
        var duration = TestSize.Pick(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3));
        var killEvery = TestSize.Pick(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10));
        var rows = TestSize.Pick(5_000, 50_000);
        var user = await _setup.CreateUserAsync("unlimited");
        var ledger = new UploadLedger();
        var outcomes = new FaultClient();
        var unexpected = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();

        async Task UploaderAsync()
        {
            using var client = _setup.CreateClient(user.Key, TimeSpan.FromMinutes(2));
            while (!stop.IsCancellationRequested)
            {
                var attempt = ledger.NewAttempt("m", rows);
                var body = attempt.Body();
                // Retried with the same key until acknowledged, like a well-behaved client.
                while (attempt.AcknowledgedRun is null)
                {
                    var status = await outcomes.UploadAsync(client, attempt, body);
                    if (status is { } s && s is not HttpStatusCode.Created and not HttpStatusCode.ServiceUnavailable)
                    {
                        unexpected.Add($"upload {(int)s}");
                        return;
                    }

                    if (attempt.AcknowledgedRun is null)
                    {
                        await Task.Delay(200);
                    }
                }
            }
        }

        async Task ReaderAsync()
        {
            using var client = _setup.CreateClient(user.Key, TimeSpan.FromMinutes(2));
            while (!stop.IsCancellationRequested)
            {
                await outcomes.ReadAsync(client, "/values?series_key=m0&series_key=m1");
            }
        }

        var backAfter = new ConcurrentBag<double>();
        async Task KillerAsync()
        {
            var next = 1;
            while (true)
            {
                try
                {
                    await Task.Delay(killEvery, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                await _setup.KillAsync(next);
                outcomes.Count("fault kill");
                next = next % Instances + 1;
                // One instance down at a time: the next kill waits until the killed one is back.
                var down = Stopwatch.StartNew();
                await _setup.WaitUntilAllReadyAsync(Instances, TimeSpan.FromSeconds(60));
                backAfter.Add(down.Elapsed.TotalSeconds);
            }
        }

        var connections = new List<int>();
        async Task PoolWatchAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                connections.Add(await _setup.ServerConnectionsAsync());
                await Task.Delay(500);
            }
        }

        await Task.WhenAll([.. Enumerable.Range(0, 4).Select(_ => UploaderAsync()), .. Enumerable.Range(0, 2).Select(_ => ReaderAsync()), KillerAsync(), PoolWatchAsync()]);
        await _setup.WaitUntilAllReadyAsync(Instances, TimeSpan.FromSeconds(60));
        var check = await ledger.CheckAsync(_setup.ConnectionString);
        var statuses = outcomes.Outcomes;
        var requests = statuses.Where(o => !o.Key.StartsWith("fault", StringComparison.Ordinal)).Sum(o => o.Value);
        TestContext.Out.WriteLine(
            $"scale-out kill: {Instances} instances, {duration.TotalSeconds:0} s, {rows} rows per upload; {outcomes.Describe()}; " +
            $"requests {requests} ({requests / clock.Elapsed.TotalSeconds:0.0}/s); uploads acknowledged {ledger.Acknowledged}; runs stored {check.Runs}; " +
            $"partial runs {check.PartialRuns}; stored twice {check.DuplicatedAttempts}; acknowledged but missing {check.AcknowledgedMissing}; " +
            $"killed instance ready again after max {(backAfter.IsEmpty ? 0 : backAfter.Max()):0.0} s (restart delay 1 s included); " +
            $"PgBouncer server connections max {(connections.Count == 0 ? 0 : connections.Max())}");

        Assert.Multiple(() =>
        {
            Assert.That(unexpected, Is.Empty, "answers a client cannot retry");
            Assert.That(statuses.Keys.Where(k => k.StartsWith("read ", StringComparison.Ordinal)),
                Is.SubsetOf(new[] { "read 200", "read 503", "read cut", "read no-answer" }), outcomes.Describe());
            Assert.That(statuses.Keys.Where(k => k.StartsWith("upload ", StringComparison.Ordinal)),
                Is.SubsetOf(new[] { "upload 201", "upload 503", "upload no-answer" }), outcomes.Describe());
            Assert.That(statuses.GetValueOrDefault("fault kill"), Is.GreaterThanOrEqualTo(1));
            Assert.That(ledger.Acknowledged, Is.GreaterThan(0));
            Assert.That(check.PartialRuns, Is.Zero, "runs partially present");
            Assert.That(check.DuplicatedAttempts, Is.Zero, "uploads stored twice");
            Assert.That(check.AcknowledgedMissing, Is.Zero, "acknowledged uploads missing or incomplete");
            Assert.That(check.Runs, Is.EqualTo(ledger.Acknowledged), "every stored run was acknowledged");
        });
    }

    [Test]
    public async Task Logs_OfNginxAndTheInstances_HoldNoKeysAndNoQueryStrings()
    {
        var user = await _setup.CreateUserAsync("unlimited");
        using var client = _setup.CreateClient(user.Key);
        await client.GetAsync("/values?series_key=secret-filter-value").ExpectAsync(200);
        await Task.Delay(500);

        var logs = _setup.Log("nginx-access.log") + string.Join('\n', Enumerable.Range(1, Instances).Select(n => _setup.Log($"api-{n}.log")));
        Assert.That(logs, Does.Contain("/values"), "the request was logged");
        Assert.That(logs, Does.Not.Contain("secret-filter-value"));
        Assert.That(System.Text.RegularExpressions.Regex.IsMatch(logs, "tdb_[0-9a-f]{32}"), Is.False, "an API key in a log");
    }

    private static Task<HttpResponseMessage> SendWithKeyAsync(HttpClient client, string key, object body) =>
        client.PostWithKeyAsync("/runs", System.Text.Json.JsonSerializer.Serialize(body), key);
}
