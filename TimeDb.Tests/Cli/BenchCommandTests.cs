using System.Text.Json;
using TimeDb.Api.Hosting;
using TimeDb.Tests.Api;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Cli;

/// <summary>
/// <c>timedb bench</c> as a user runs it, at a tiny size and one run of each measurement: it must measure every
/// scenario in every format beside its physical ceiling (or say why it could not), check what it read, and leave the
/// database as it found it. (The figures themselves are not asserted: a benchmark is
/// a command, not a test.)
/// </summary>
public sealed class BenchCommandTests
{
    /// <summary>Every API figure of the report: a scenario in a format.</summary>
    private static readonly string[] Figures =
    [
        "ingest/json", "ingest/csv", "ingest/arrow", "flat read/json", "flat read/csv", "flat read/arrow",
        "overlapping read/json", "overlapping read/csv", "overlapping read/arrow", "small reads/json", "updates/json",
    ];

    [Test]
    public async Task Bench_MeasuresEveryScenarioBesideItsCeiling_AndCleansUpAfterItself()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", Guid.NewGuid().ToString(), "-e", "owner@example.com"]);

        // 16 connections of one user: more than the default per-user share (4 running, 8 waiting), which the
        // benchmark's own server raises so its small reads measure speed, not 429s.
        var result = await CliRunner.RunProcessAsync(
            ["bench", "--dsn", db.ConnectionString, "--rows", "3000", "--series", "3", "--concurrency", "16", "--duration", "1",
             "--update-batches", "2", "--repeat", "1", "--json"],
            timeout: TimeSpan.FromMinutes(3));

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var report = JsonDocument.Parse(result.Out);
        var ceilings = ByScenario(report, "ceilings");
        var figures = ByScenario(report, "figures");
        Assert.That(report.RootElement.GetProperty("repeat").GetInt32(), Is.EqualTo(1));
        Assert.That(ceilings.Keys, Is.EquivalentTo(new[] { "ingest/postgresql", "flat read/postgresql", "overlapping read/postgresql", "small reads/postgresql" }));
        Assert.That(figures.Keys, Is.EquivalentTo(Figures));
        Assert.Multiple(() =>
        {
            // The physical ceilings, measured by PostgreSQL's own tools (CI has psql and pgbench on PATH).
            foreach (var name in (string[])["ingest/postgresql", "flat read/postgresql", "overlapping read/postgresql"])
            {
                Assert.That(ceilings[name].GetProperty("status").GetString(), Is.EqualTo("ok"), name);
                Assert.That(ceilings[name].GetProperty("method").GetString(), Does.StartWith("psql \\copy").Or.StartWith("plain psql \\copy"), name);
                Assert.That(ceilings[name].GetProperty("count").GetInt64(), Is.EqualTo(3000), name);
            }

            Assert.That(ceilings["small reads/postgresql"].GetProperty("method").GetString(), Does.StartWith("pgbench -n -c16 -j2"));
            Assert.That(ceilings["small reads/postgresql"].GetProperty("median_per_second").GetDouble(), Is.Positive);

            // Every figure that has a ceiling: measured with a ratio and targets, or not available with the reason
            // (CSV and Arrow until the server serves them: the benchmark reports them instead of failing).
            foreach (var (name, figure) in figures.Where(f => f.Key != "updates/json"))
            {
                Assert.That(figure.GetProperty("ceiling").GetProperty("per_second").GetDouble(), Is.Positive, name);
                Assert.That(figure.GetProperty("targets").GetArrayLength(), Is.Positive, name);
                if (figure.GetProperty("status").GetString() == "ok")
                {
                    Assert.That(figure.GetProperty("ratio").GetDouble(), Is.Positive, name);
                    Assert.That(figure.GetProperty("median_per_second").GetDouble(), Is.Positive, name);
                    Assert.That(figure.GetProperty("server_growth_mb").ValueKind, Is.EqualTo(JsonValueKind.Number), name);
                }
                else
                {
                    Assert.That(figure.GetProperty("status").GetString(), Is.EqualTo("not available"), name);
                    Assert.That(figure.GetProperty("not_available").GetString(), Is.Not.Empty, name);
                    Assert.That(figure.GetProperty("ratio").ValueKind, Is.EqualTo(JsonValueKind.Null), name);
                }
            }

            foreach (var name in (string[])["ingest/json", "flat read/json", "overlapping read/json", "small reads/json", "updates/json"])
            {
                Assert.That(figures[name].GetProperty("status").GetString(), Is.EqualTo("ok"), name);
            }

            foreach (var name in (string[])["ingest/json", "flat read/json", "overlapping read/json"])
            {
                Assert.That(figures[name].GetProperty("count").GetInt64(), Is.EqualTo(3000), name);
            }

            // The client's own speed beside each upload body: produced into a null sink.
            foreach (var format in (string[])["json", "csv", "arrow"])
            {
                Assert.That(figures[$"ingest/{format}"].GetProperty("client").GetProperty("mb_per_second").GetDouble(), Is.Positive, format);
            }

            Assert.That(figures["small reads/json"].GetProperty("errors").GetInt64(), Is.Zero);
            Assert.That(figures["updates/json"].GetProperty("count").GetInt64(), Is.EqualTo(2000));
            Assert.That(result.Error, Does.Contain("deleted the throwaway tenant"));
        });

        // Only the user that was there before is left; no run, series, value or key of the benchmark, and no scratch schema.
        var left = await Sql.ScalarAsync<string>(db.ConnectionString,
            "SELECT (SELECT count(*) FROM users) || ',' || (SELECT count(*) FROM api_keys) || ',' || (SELECT count(*) FROM runs) || ',' || (SELECT count(*) FROM series) || ',' || (SELECT count(*) FROM \"values\") || ',' || (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'timedb_bench%')");
        Assert.That(left, Is.EqualTo("1,1,0,0,0,0"));
    }

    [Test]
    public async Task Bench_AgainstARunningServerWithAKey_WithoutPsql_UsesNpgsqlCopyAndDeletesItsRunsFromThatTenant()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        var created = await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", Guid.NewGuid().ToString(), "-e", "svc@example.com", "--tier", "unlimited", "--json"]);
        var key = JsonDocument.Parse(created.Out).RootElement.GetProperty("api_key").GetString()!;
        await using var api = await TimeDbApi.StartAsync(["--urls", $"http://127.0.0.1:{FreePort.Next()}"],
            b => b.Configuration[TimeDbApi.DsnSetting] = db.ConnectionString);

        // A PATH holding only dotnet: no psql, no pgbench.
        var result = await CliRunner.RunProcessAsync(
            ["bench", "--url", api.BaseAddress.ToString(), "--key", key, "--dsn", db.ConnectionString, "--rows", "500", "--series", "2",
             "--concurrency", "2", "--duration", "1", "--update-batches", "0", "--repeat", "1"],
            environment: new Dictionary<string, string?> { ["PATH"] = Path.GetDirectoryName(Environment.ProcessPath) },
            timeout: TimeSpan.FromMinutes(3));

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("Npgsql text COPY (psql is not on PATH)").And.Contain("pgbench is not on PATH"));
        Assert.That(result.Out, Does.Match(@"ingest +json +[0-9,]+ rows/s").And.Match(@"flat read +json +[0-9,]+ rows/s"));
        // The key's tenant is not throwaway: the benchmark's runs go, the user and key stay.
        var left = await Sql.ScalarAsync<string>(db.ConnectionString,
            "SELECT (SELECT count(*) FROM users) || ',' || (SELECT count(*) FROM runs) || ',' || (SELECT count(*) FROM series) || ',' || (SELECT count(*) FROM \"values\")");
        Assert.That(left, Is.EqualTo("1,0,0,0"));
    }

    [Test]
    public async Task Bench_KeyWithoutUrl_IsAUsageError()
    {
        var result = await CliRunner.RunAsync(["bench", "--key", "tdb_0123456789abcdef0123456789abcdef"]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--key needs --url"));
    }

    [Test]
    public async Task Bench_RepeatZero_IsAUsageError()
    {
        var result = await CliRunner.RunAsync(["bench", "--repeat", "0"]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--repeat must be a whole number from 1 to 100"));
    }

    [Test]
    public async Task Bench_UrlThatIsNotHttp_IsAUsageError()
    {
        var result = await CliRunner.RunAsync(["bench", "--url", "ftp://example.com", "--key", "tdb_0123456789abcdef0123456789abcdef"]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--url must be an http:// or https:// URL"));
    }

    private static Dictionary<string, JsonElement> ByScenario(JsonDocument report, string list) =>
        report.RootElement.GetProperty(list).EnumerateArray()
            .ToDictionary(f => $"{f.GetProperty("scenario").GetString()}/{f.GetProperty("format").GetString()}", f => f.Clone());
}
