using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Reliability;

/// <summary>
/// Soak: 16 clients of 3 tenants mix uploads, flat and overlapping reads, versioned updates and small list
/// calls against a real <c>timedb api</c> process for 2 minutes (10 with TIMEDB_LONG=1). Afterwards: no 5xx,
/// no transport error, PostgreSQL connections bounded, memory flat after warm-up, and each tenant reads back
/// exactly what its clients wrote and nothing of the others.
/// <c>TIMEDB_LONG=1 dotnet test TimeDb.Tests --filter "FullyQualifiedName~Soak"</c>
/// </summary>
[Category(TestSize.Long)]
public sealed class SoakTests
{
    private const int Clients = 16;
    private const int Tenants = 3;

    // Npgsql's default Max Pool Size (the API's DSN sets none) plus a few for anything else of the test's.
    private const int MaxConnections = 100 + 5;

    // Above this many row versions a final read is split by known time, so it stays small whatever a
    // server-side cap on rows per read is set to.
    private const int RowsPerFinalRead = 10_000;

    [Test]
    public async Task SixteenClientsOfThreeTenants_RunWithoutErrorsOrLeaks_AndEachTenantReadsBackExactlyItsOwnData()
    {
        // TIMEDB_SOAK_SECONDS overrides the length (to try a change of the soak itself quickly).
        var duration = int.TryParse(Environment.GetEnvironmentVariable("TIMEDB_SOAK_SECONDS"), CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TestSize.Pick(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10));
        var dsn = await TestEnvironment.Server.CreateDatabaseAsync("timedb_soak");
        try
        {
            var created = await CliRunner.RunAsync(["create", "tables", "--dsn", dsn, "--with-users", "-y"]);
            Assert.That(created.ExitCode, Is.Zero, created.Error);
            var tenants = new List<(Guid TenantId, string Key)>();
            for (var t = 0; t < Tenants; t++)
            {
                tenants.Add(await CreateUserAsync(dsn, $"soak@tenant-{(char)('a' + t)}.example"));
            }

            // The in-process CLI leaves idle pooled connections to the soak's database; they are not the API's.
            NpgsqlConnection.ClearAllPools();
            await using var api = await ApiProcess.StartAsync(dsn);
            var result = await SoakAsync(api, dsn, tenants, duration);
            Report(result, api, duration);
            Assert.That(api.HasExited, Is.False, "the API process died: " + string.Join(Environment.NewLine, api.Output.TakeLast(40)));
            AssertHealthy(result);
        }
        finally
        {
            await TestEnvironment.Server.DropDatabaseAsync(dsn);
        }
    }

    private sealed record SoakResult(
        RequestLog Requests,
        TimeSpan Elapsed,
        IReadOnlyList<long> Connections,
        MemoryTrend Memory,
        List<string> TenantFigures,
        List<string> VerificationProblems);

    private static async Task<SoakResult> SoakAsync(ApiProcess api, string dsn, List<(Guid TenantId, string Key)> tenants, TimeSpan duration)
    {
        // The sampler connects to the maintenance database, so it does not count itself.
        var database = new NpgsqlConnectionStringBuilder(dsn).Database!;
        await using var pg = new NpgsqlConnection(TestEnvironment.Server.AdminConnectionString);
        await pg.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @db", pg);
        count.Parameters.AddWithValue("db", database);
        await using var connections = EverySecond.Start(async () => (long)(await count.ExecuteScalarAsync())!);
        await using var memory = EverySecond.Start(() => Task.FromResult(api.HasExited ? 0 : api.ResidentBytes()));

        var http = Enumerable.Range(0, Clients).Select(i => api.CreateClient(tenants[i % Tenants].Key)).ToList();
        try
        {
            var clients = Enumerable.Range(0, Clients).Select(i => new SoakClient(i, i % Tenants, tenants[i % Tenants].TenantId, http[i])).ToList();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(clients.Select(c => Task.Run(() => c.RunAsync(duration))));
            var elapsed = clock.Elapsed;
            var rss = await memory.StopAsync();
            var pgCounts = await connections.StopAsync();

            var figures = new List<string>();
            var problems = new List<string>();
            for (var t = 0; t < Tenants; t++)
            {
                var ledgers = clients.Where(c => c.Tenant == t).Select(c => c.Ledger).ToList();
                problems.AddRange(await VerifyTenantAsync(http[t], t, tenants[t].TenantId, ledgers));
                figures.Add(string.Create(CultureInfo.InvariantCulture,
                    $"tenant {(char)('a' + t)}: {ledgers.Count} clients, {ledgers.Sum(l => l.Runs.Count)} runs, {ledgers.Sum(l => l.Rows)} rows, " +
                    $"{ledgers.Sum(l => l.UpdatedVersions)} updated versions, {ledgers.SelectMany(l => l.SeriesIds.Keys).Distinct().Count()} series"));
            }

            return new SoakResult(RequestLog.Merge(clients.Select(c => c.Log)), elapsed, pgCounts, MemoryTrend.From(rss), figures, problems);
        }
        finally
        {
            http.ForEach(h => h.Dispose());
        }
    }

    /// <summary>
    /// The tenant's runs, series, flat values and overlapping values (current and all versions), read through
    /// its key, must be exactly what its clients' ledgers hold: same ids, keys, counts and last values.
    /// </summary>
    private static async Task<List<string>> VerifyTenantAsync(HttpClient http, int tenant, Guid tenantId, List<SoakLedger> ledgers)
    {
        var name = $"tenant {(char)('a' + tenant)}";
        var prefix = SoakData.TenantPrefix(tenant);
        var problems = new List<string>();
        var runs = ledgers.SelectMany(l => l.RunOrder.Select(r => (Run: r, Ledger: l))).OrderBy(r => r.Run.KnownTime).ToList();
        var ledgerOf = runs.ToDictionary(r => r.Run.RunId, r => r.Ledger);

        // Runs, newest first, paged by run_start_time (unique: it is the run's known time).
        var listed = new List<RunRow>();
        var url = "/runs?limit=1000";
        while (await GetAsync<List<RunRow>>(http, url, problems) is { } page)
        {
            listed.AddRange(page);
            if (page.Count < 1000)
            {
                break;
            }

            url = $"/runs?limit=1000&end_time={SoakData.Iso(page.Min(r => r.RunStartTime))}";
        }

        Differences(problems, $"{name} GET /runs", listed.Select(r => r.RunId.ToString()), runs.Select(r => r.Run.RunId.ToString()));
        problems.AddRange(listed.Where(r => r.TenantId != tenantId).Select(r => $"{name} GET /runs lists run {r.RunId} of tenant {r.TenantId}"));

        // Series: the keys (and ids) the uploads answered, all with the tenant's prefix.
        var series = await GetAsync<List<SeriesRow>>(http, "/series", problems) ?? [];
        var expectedSeries = ledgers.SelectMany(l => l.SeriesIds).Distinct().Select(s => $"{s.Key}={s.Value}");
        Differences(problems, $"{name} GET /series", series.Select(s => $"{s.SeriesKey}={s.SeriesId}"), expectedSeries);
        problems.AddRange(series.Where(s => s.TenantId != tenantId || !s.SeriesKey.StartsWith(prefix, StringComparison.Ordinal))
            .Select(s => $"{name} GET /series lists {s.SeriesKey} of tenant {s.TenantId}"));

        // Flat: bounded by series × hours, one read.
        if (await GetAsync<ValuesPage>(http, "/values", problems) is { } flat)
        {
            problems.AddRange(SoakData.CompareFlat(flat.Data, SoakLedger.Flat(ledgers, (_, _) => true)).Select(p => $"{name} GET /values: {p}"));
        }

        // Overlapping: in known-time windows; the first and last are open-ended, so together they cover every row.
        var windows = new List<(DateTimeOffset? From, DateTimeOffset? To, int Rows, int Versions)>();
        DateTimeOffset? from = null;
        int rows = 0, versions = 0;
        foreach (var (run, _) in runs)
        {
            if (versions > 0 && versions + run.Versions > RowsPerFinalRead)
            {
                windows.Add((from, run.KnownTime, rows, versions));
                (from, rows, versions) = (run.KnownTime, 0, 0);
            }

            rows += run.Records.Count;
            versions += run.Versions;
        }

        windows.Add((from, null, rows, versions));
        foreach (var (start, end, windowRows, windowVersions) in windows)
        {
            var range = (start is { } s ? $"&start_known={SoakData.Iso(s)}" : "") + (end is { } e ? $"&end_known={SoakData.Iso(e)}" : "");
            if (await GetAsync<ValuesPage>(http, $"/values?mode=overlapping{range}", problems) is { } current)
            {
                problems.AddRange(SoakData.CompareOverlapping(current.Data,
                        key => ledgerOf.TryGetValue(key.RunId, out var ledger) && ledger.Values.TryGetValue(key, out var value) ? (true, value) : (false, null),
                        windowRows)
                    .Select(p => $"{name} GET /values?mode=overlapping{range}: {p}"));
            }

            if (await GetAsync<ValuesPage>(http, $"/values?mode=overlapping&all_versions=true{range}", problems) is { } all)
            {
                if (all.Data.Count != windowVersions)
                {
                    problems.Add($"{name} all_versions{range}: {all.Data.Count} versions, expected {windowVersions}");
                }

                problems.AddRange(all.Data.Where(r => !ledgerOf.ContainsKey(r.RunId)).Take(5).Select(r => $"{name} all_versions: row of run {r.RunId} ({r.SeriesKey})"));
            }
        }

        return problems;
    }

    private static async Task<T?> GetAsync<T>(HttpClient http, string url, List<string> problems)
        where T : class
    {
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            problems.Add($"GET {url}: status {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return null;
        }

        return await response.Content.ReadFromJsonAsync<T>(SoakData.Json);
    }

    private static void Differences(List<string> problems, string what, IEnumerable<string> actual, IEnumerable<string> expected)
    {
        var got = actual.ToList();
        var want = expected.ToHashSet(StringComparer.Ordinal);
        var missing = want.Except(got).ToList();
        var extra = got.Except(want).ToList();
        if (got.Count != want.Count || missing.Count > 0 || extra.Count > 0)
        {
            problems.Add($"{what}: {got.Count} listed, {want.Count} expected; missing {missing.Count} (e.g. {string.Join(", ", missing.Take(3))}), " +
                $"unexpected {extra.Count} (e.g. {string.Join(", ", extra.Take(3))})");
        }
    }

    private static void Report(SoakResult result, ApiProcess api, TimeSpan duration)
    {
        var requests = result.Requests;
        var memory = result.Memory;
        var output = TestContext.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Soak: {Clients} clients, {Tenants} tenants, {duration.TotalSeconds:F0} s planned ({result.Elapsed.TotalSeconds:F0} s run), {requests.Total} requests ({requests.Total / result.Elapsed.TotalSeconds:F0}/s)"));
        output.WriteLine(requests.Table());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"5xx: {requests.CountWhere(s => s >= 500)}, 429: {requests.CountWhere(s => s == 429)}, 503: {requests.CountWhere(s => s == 503)}, " +
            $"other unexpected statuses: {requests.UnexpectedStatuses}, transport errors: {requests.TransportErrors}, data problems during the run: {requests.DataProblems}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PostgreSQL connections to the soak database: max {result.Connections.Max()} (bound {MaxConnections}), median {Median(result.Connections)}, at the end {result.Connections[^1]}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"API resident memory: warm-up end {memory.WarmUpEndMb:F0} MB, first fifth after warm-up {memory.FirstMb:F0} MB, last fifth {memory.LastMb:F0} MB, " +
            $"growth {memory.GrowthMb:F0} MB (allowed < {memory.AllowedGrowthMb:F0}), peak {memory.PeakMb:F0} MB"));
        result.TenantFigures.ForEach(output.WriteLine);
        output.WriteLine($"Final isolation and ledger check: {(result.VerificationProblems.Count == 0 ? "exact match for every tenant" : $"{result.VerificationProblems.Count} problems")}");
        foreach (var line in requests.Messages.Concat(result.VerificationProblems.Take(20)))
        {
            output.WriteLine("  " + line);
        }

        var serverErrors = api.Output.Where(l => l.Contains(" ERR]", StringComparison.Ordinal) || l.Contains(" FTL]", StringComparison.Ordinal)
            || l.Contains("Exception", StringComparison.Ordinal)).ToList();
        output.WriteLine($"API log lines with errors: {serverErrors.Count}");
        serverErrors.Take(20).ToList().ForEach(l => output.WriteLine("  " + l));
    }

    private static void AssertHealthy(SoakResult result)
    {
        var requests = result.Requests;
        var details = string.Join(Environment.NewLine, requests.Messages);
        Assert.Multiple(() =>
        {
            Assert.That(requests.CountWhere(s => s >= 500), Is.Zero, "5xx answers: " + details);
            Assert.That(requests.CountWhere(s => s == 429), Is.Zero, "429 answers (the users are of the unlimited tier): " + details);
            Assert.That(requests.UnexpectedStatuses, Is.Zero, "answers other than 200/201: " + details);
            Assert.That(requests.TransportErrors, Is.Zero, "transport errors: " + details);
            Assert.That(requests.DataProblems, Is.Zero, "reads or answers that disagree with the clients' ledgers: " + details);
            Assert.That(result.VerificationProblems, Is.Empty, "final per-tenant check");
            Assert.That(result.Connections.Max(), Is.LessThanOrEqualTo(MaxConnections), "PostgreSQL connections of the soak database");
            Assert.That(result.Memory.GrowthMb, Is.LessThan(result.Memory.AllowedGrowthMb), "API resident memory growth after warm-up (MB)");
        });
    }

    private static async Task<(Guid TenantId, string Key)> CreateUserAsync(string dsn, string email)
    {
        var tenantId = Guid.NewGuid();
        var result = await CliRunner.RunAsync(["users", "create", "--dsn", dsn, "-t", tenantId.ToString(), "-e", email, "--tier", "unlimited", "--json"]);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        return (tenantId, json.RootElement.GetProperty("api_key").GetString()!);
    }

    private static long Median(IReadOnlyList<long> values) => values.Order().ElementAt(values.Count / 2);
}
