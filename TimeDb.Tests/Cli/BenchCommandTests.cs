using System.Text.Json;
using TimeDb.Api.Hosting;
using TimeDb.Tests.Api;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Cli;

/// <summary>
/// <c>timedb bench</c> as a user runs it, at a tiny size: it must measure every scenario, check what it
/// read, and leave the database as it found it. (The figures themselves are not asserted: a benchmark is
/// a command, not a test.)
/// </summary>
public sealed class BenchCommandTests
{
    [Test]
    public async Task Bench_MeasuresEveryScenario_AndCleansUpAfterItself()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", Guid.NewGuid().ToString(), "-e", "owner@example.com"]);

        // 16 connections of one user: more than the default per-user share (4 running, 8 waiting), which the
        // benchmark's own server raises so its small reads measure speed, not 429s.
        var result = await CliRunner.RunProcessAsync(
            ["bench", "--dsn", db.ConnectionString, "--rows", "3000", "--series", "3", "--concurrency", "16", "--duration", "1", "--update-batches", "2", "--json"],
            timeout: TimeSpan.FromMinutes(3));

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var report = JsonDocument.Parse(result.Out);
        var results = report.RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.Clone());
        Assert.That(results.Keys, Is.EquivalentTo(new[]
        {
            "COPY in (PostgreSQL)", "upload POST /runs", "COPY out flat (PostgreSQL)", "read flat GET /values",
            "COPY out overlapping (PostgreSQL)", "read overlapping GET /values", "small reads GET /values ×16", "update PUT /values",
        }));
        Assert.Multiple(() =>
        {
            foreach (var name in (string[])["COPY in (PostgreSQL)", "upload POST /runs", "read flat GET /values", "read overlapping GET /values", "COPY out flat (PostgreSQL)"])
            {
                Assert.That(results[name].GetProperty("count").GetInt64(), Is.EqualTo(3000), name);
            }

            Assert.That(results["upload POST /runs"].GetProperty("ratio_to_ceiling").GetDouble(), Is.Positive);
            Assert.That(results["read flat GET /values"].GetProperty("server_peak_mb").GetDouble(), Is.Positive);
            Assert.That(results["small reads GET /values ×16"].GetProperty("count").GetInt64(), Is.Positive);
            Assert.That(results["small reads GET /values ×16"].GetProperty("errors").GetInt64(), Is.Zero);
            Assert.That(results["update PUT /values"].GetProperty("count").GetInt64(), Is.EqualTo(2000));
            Assert.That(result.Error, Does.Contain("deleted the throwaway tenant"));
        });

        // Only the user that was there before is left; no run, series, value or key of the benchmark.
        var left = await Sql.ScalarAsync<string>(db.ConnectionString,
            "SELECT (SELECT count(*) FROM users) || ',' || (SELECT count(*) FROM api_keys) || ',' || (SELECT count(*) FROM runs) || ',' || (SELECT count(*) FROM series) || ',' || (SELECT count(*) FROM \"values\")");
        Assert.That(left, Is.EqualTo("1,1,0,0,0"));
    }

    [Test]
    public async Task Bench_AgainstARunningServerWithAKey_DeletesItsRunsFromThatTenant()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        var created = await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", Guid.NewGuid().ToString(), "-e", "svc@example.com", "--tier", "unlimited", "--json"]);
        var key = JsonDocument.Parse(created.Out).RootElement.GetProperty("api_key").GetString()!;
        await using var api = await TimeDbApi.StartAsync(["--urls", $"http://127.0.0.1:{FreePort.Next()}"],
            b => b.Configuration[TimeDbApi.DsnSetting] = db.ConnectionString);

        // 16 connections of one user: more than the default per-user share (4 running, 8 waiting), which the
        // benchmark's own server raises so its small reads measure speed, not 429s.
        var result = await CliRunner.RunProcessAsync(
            ["bench", "--url", api.BaseAddress.ToString(), "--key", key, "--dsn", db.ConnectionString, "--rows", "500", "--series", "2",
             "--concurrency", "2", "--duration", "1", "--update-batches", "0"],
            timeout: TimeSpan.FromMinutes(3));

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("upload POST /runs").And.Contain("read flat GET /values"));
        // The key's tenant is not throwaway: the benchmark's runs go, the user and key stay; no ceiling without a tenant of its own.
        Assert.That(result.Out, Does.Not.Contain("COPY in (PostgreSQL)"));
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
    public async Task Bench_UrlThatIsNotHttp_IsAUsageError()
    {
        var result = await CliRunner.RunAsync(["bench", "--url", "ftp://example.com", "--key", "tdb_0123456789abcdef0123456789abcdef"]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--url must be an http:// or https:// URL"));
    }
}
