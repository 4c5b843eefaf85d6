using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Reliability;

/// <summary>
/// Uploads land completely or not at all whatever fails: the API killed, PostgreSQL crashed, the client gone.
/// Short by default (as in CI); <c>TIMEDB_LONG=1</c> injects each fault 20 times (see TestSize). Each test
/// prints its counts: faults injected, uploads acknowledged, partial runs found.
/// </summary>
[Category(TestSize.Long)]
public sealed class FaultTests
{
    private static readonly int Seed = Environment.TickCount;

    private static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var dsn = await TestEnvironment.Server.CreateDatabaseAsync(prefix);
        var created = await CliRunner.RunAsync(["create", "tables", "--dsn", dsn, "-y"]);
        Assert.That(created.ExitCode, Is.Zero, created.Error);
        return dsn;
    }

    [Test]
    public async Task ApiKilledMidUpload_NoRunIsPartial_AndTheRetryLandsOnce()
    {
        var rows = TestSize.Pick(200_000, 1_000_000);
        var faults = TestSize.Pick(3, 20);
        var random = new Random(Seed);
        var dsn = await CreateDatabaseAsync("timedb_kill");
        var ledger = new UploadLedger();
        var client = new FaultClient();
        var api = await ApiProcess.StartAsync(dsn);
        try
        {
            // A whole upload first: its duration tells where "the middle" is.
            var baseline = ledger.NewAttempt("k", rows);
            var clock = Stopwatch.StartNew();
            using (var http = api.CreateClient(timeout: TimeSpan.FromMinutes(5)))
            {
                Assert.That(await client.UploadAsync(http, baseline, baseline.Body()), Is.EqualTo(HttpStatusCode.Created));
            }

            var whole = clock.Elapsed;
            int killedBeforeAnswer = 0, answeredBeforeKill = 0, replayed = 0;
            for (var fault = 0; fault < faults; fault++)
            {
                var attempt = ledger.NewAttempt("k", rows);
                var body = attempt.Body();
                using (var http = api.CreateClient(timeout: TimeSpan.FromMinutes(5)))
                {
                    var sending = client.UploadAsync(http, attempt, body);
                    await Task.Delay(whole * (0.05 + random.NextDouble() * 0.9));
                    await api.KillAsync();
                    await sending;
                }

                if (attempt.AcknowledgedRun is null)
                {
                    killedBeforeAnswer++;
                }
                else
                {
                    answeredBeforeKill++;
                }

                await api.DisposeAsync();
                api = await ApiProcess.StartAsync(dsn);
                // The killed upload left nothing or everything (the full check of every run comes at the end).
                var (left, complete) = await UploadLedger.CheckAttemptAsync(dsn, attempt);
                Assert.That(left, Is.LessThanOrEqualTo(1));
                Assert.That(complete, Is.True, "the killed upload left a partial run");

                // The client cannot know whether an unanswered upload landed: it retries with the same key.
                if (attempt.AcknowledgedRun is null)
                {
                    using var http = api.CreateClient(timeout: TimeSpan.FromMinutes(5));
                    await client.UploadUntilAcknowledgedAsync(http, attempt, TimeSpan.FromMinutes(2));
                    replayed += (int)left;
                    Assert.That((await UploadLedger.CheckAttemptAsync(dsn, attempt)).Runs, Is.EqualTo(1), "the retry stored it once");
                }
            }

            var check = await ledger.CheckAsync(dsn);
            await TestContext.Out.WriteLineAsync(
                $"SIGKILL mid-upload ({rows} rows, one upload {whole.TotalSeconds:0.0} s, seed {Seed}): faults injected {faults}, " +
                $"killed before the answer {killedBeforeAnswer} (of which had committed, answered again from the idempotency key: {replayed}), " +
                $"answered before the kill {answeredBeforeKill}; uploads acknowledged {ledger.Acknowledged}; runs stored {check.Runs}; " +
                $"partial runs {check.PartialRuns}; stored twice {check.DuplicatedAttempts}; acknowledged but missing {check.AcknowledgedMissing}; {client.Describe()}");
            await ledger.AssertConsistentAsync(dsn);
            Assert.That(check.Runs, Is.EqualTo(faults + 1), "every attempt stored exactly once after its retry");
            Assert.That(client.Unexpected5xx, Is.Zero);
        }
        finally
        {
            await api.DisposeAsync();
            await TestEnvironment.Server.DropDatabaseAsync(dsn);
        }
    }

    [Test]
    public async Task ClientDisconnectsHalfwayThroughTheBody_NothingIsStored_ServerStaysUp()
    {
        var faults = TestSize.Pick(20, 40);
        var random = new Random(Seed);
        var dsn = await CreateDatabaseAsync("timedb_disconnect");
        var ledger = new UploadLedger();
        var client = new FaultClient();
        await using var api = await ApiProcess.StartAsync(dsn);
        try
        {
            for (var fault = 0; fault < faults; fault++)
            {
                var attempt = ledger.NewAttempt("d", random.Next(1_000, 50_000));
                var body = attempt.Body();
                var cut = random.Next(1, body.Length - 1);
                await SendPartOfTheBodyAsync(api.BaseAddress, body, cut, chunked: fault % 2 == 1);
            }

            using var http = api.CreateClient();
            await http.GetAsync("/health/ready").ExpectAsync(200);
            var afterDisconnects = await ledger.CheckAsync(dsn);

            // And a disconnected upload can be sent again with the same key.
            var retried = ledger.NewAttempt("d", 5_000);
            await SendPartOfTheBodyAsync(api.BaseAddress, retried.Body(), 40_000, chunked: false);
            await client.UploadUntilAcknowledgedAsync(http, retried, TimeSpan.FromSeconds(30));

            var check = await ledger.CheckAsync(dsn);
            await TestContext.Out.WriteLineAsync(
                $"client disconnect mid-body (seed {Seed}): faults injected {faults + 1}, runs stored by cut uploads {afterDisconnects.Runs}, " +
                $"uploads acknowledged {ledger.Acknowledged}, partial runs {check.PartialRuns}, stored twice {check.DuplicatedAttempts}");
            Assert.That(afterDisconnects.Runs, Is.Zero, "a body that never arrived whole stores nothing");
            Assert.That(check.Runs, Is.EqualTo(1));
            await ledger.AssertConsistentAsync(dsn);
            Assert.That(api.HasExited, Is.False);
        }
        finally
        {
            await TestEnvironment.Server.DropDatabaseAsync(dsn);
        }
    }

    [Test]
    public async Task PostgresCrashedAndRestarted_During_UploadsReadsUpdates_AcknowledgedUploadsSurvive()
    {
        var faults = TestSize.Pick(3, 20);
        var random = new Random(Seed);
        var cluster = Path.Combine(Path.GetTempPath(), $"timedb-crash-{Guid.NewGuid():N}");
        var started = await ClusterAsync("start", cluster);
        Assert.That(started.ExitCode, Is.Zero, started.Error);
        var admin = started.Out.Trim();
        var uri = admin[..admin.LastIndexOf('/')] + "/timedb";
        var dsn = Infrastructure.Configuration.PostgresUri.ToNpgsql(uri);
        var ledger = new UploadLedger();
        var client = new FaultClient();
        ApiProcess? api = null;
        try
        {
            Assert.That((await CliRunner.RunAsync(["create", "tables", "--dsn", uri, "-y"])).ExitCode, Is.Zero);
            api = await ApiProcess.StartAsync(dsn);
            using var http = api.CreateClient(timeout: TimeSpan.FromSeconds(60));
            using var stop = new CancellationTokenSource();

            Task[] uploaders = [.. Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
            {
                var own = new Random(Seed + i);
                while (!stop.IsCancellationRequested)
                {
                    await client.UploadUntilAcknowledgedAsync(http, ledger.NewAttempt($"u{i}_", own.Next(500, 20_000)), TimeSpan.FromMinutes(2));
                }
            }))];
            Task[] readers = [.. Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await client.ReadAsync(http, i == 0 ? "/values?series_key=u0_1" : "/values?mode=overlapping&series_key=u1_2&series_key=u2_3");
                    await Task.Delay(20);
                }
            }))];
            var updater = Task.Run(async () =>
            {
                var own = new Random(Seed);
                while (!stop.IsCancellationRequested)
                {
                    if (ledger.AcknowledgedAttempts().FirstOrDefault() is { } target)
                    {
                        await client.UpdateAsync(http, target, own.Next(1, 1000));
                    }

                    await Task.Delay(20);
                }
            });

            int down503 = 0;
            var recoveries = new List<double>();
            for (var fault = 0; fault < faults; fault++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1_000, 3_000)));
                Assert.That((await ClusterAsync("crash", cluster)).ExitCode, Is.Zero);

                // While PostgreSQL is away the API answers, with 503 and Retry-After.
                using (var probe = await http.GetAsync("/values?series_key=u0_1"))
                {
                    Assert.That(probe.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await probe.Content.ReadAsStringAsync());
                    Assert.That(probe.Headers.RetryAfter, Is.Not.Null);
                    down503++;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 1_500)));
                Assert.That((await ClusterAsync("start", cluster)).ExitCode, Is.Zero);
                var clock = Stopwatch.StartNew();
                while (true)
                {
                    using var ready = await http.GetAsync("/values?series_key=u0_1");
                    if (ready.StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }

                    Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "the API recovers by itself");
                    await Task.Delay(100);
                }

                recoveries.Add(clock.Elapsed.TotalSeconds);
            }

            await stop.CancelAsync();
            await Task.WhenAll([.. uploaders, .. readers, updater]);

            var check = await ledger.CheckAsync(dsn);
            await TestContext.Out.WriteLineAsync(
                $"PostgreSQL crash (pg_ctl -m immediate) during 4 uploaders, 2 readers, 1 updater (seed {Seed}): faults injected {faults}, " +
                $"probes answered 503 while down {down503}, recovery after restart max {recoveries.Max():0.0} s; uploads acknowledged {ledger.Acknowledged}; " +
                $"runs stored {check.Runs}; partial runs {check.PartialRuns}; stored twice {check.DuplicatedAttempts}; acknowledged but missing {check.AcknowledgedMissing}; " +
                $"{client.Describe()}");
            await ledger.AssertConsistentAsync(dsn);
            Assert.That(client.Unexpected5xx, Is.Zero, client.Describe());
            Assert.That(check.Runs, Is.EqualTo(ledger.Acknowledged), "every upload was retried until acknowledged, and stored once");
            Assert.That(client.Outcomes.GetValueOrDefault("upload 503") + client.Outcomes.GetValueOrDefault("upload no-answer"), Is.Positive,
                "some uploads were caught by a crash");
        }
        finally
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }

            await ClusterAsync("stop", cluster);
            Directory.Delete(cluster, recursive: true);
        }
    }

    private static Task<ProcessResult> ClusterAsync(string command, string directory) =>
        ProcessRunner.RunAsync("bash", [RepositoryPaths.Script("deploy/local-postgres.sh"), command, directory], timeout: TimeSpan.FromMinutes(3));

    /// <summary>Sends the head of an upload and <paramref name="cut"/> bytes of its body, then closes the socket.</summary>
    private static async Task SendPartOfTheBodyAsync(Uri server, byte[] body, int cut, bool chunked)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.Host, server.Port);
        var stream = socket.GetStream();
        var framing = chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {body.Length}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /runs HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"));
        var part = body.AsMemory(0, Math.Min(cut, body.Length - 1));
        if (chunked)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{part.Length:x}\r\n"));
            await stream.WriteAsync(part);
            await stream.WriteAsync("\r\n"u8.ToArray());
        }
        else
        {
            await stream.WriteAsync(part);
        }

        await stream.FlushAsync();
        socket.Client.LingerState = new LingerOption(true, 0); // a reset, as when a client process dies
        socket.Close();
    }
}
