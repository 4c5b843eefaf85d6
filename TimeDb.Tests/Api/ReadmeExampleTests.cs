using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TimeDb.Api.Hosting;
using TimeDb.Tests.Formats;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

/// <summary>The README's curl examples, run as written against a real server with authentication on.</summary>
public sealed partial class ReadmeExampleTests : AuthenticatedApiTest
{
    /// <summary>The rows of the CSV upload's here-document (<c>&lt;&lt;'CSV'</c> … <c>CSV</c>).</summary>
    [GeneratedRegex("<<'CSV'\\n(?<csv>.*?)^CSV$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CsvHereDocument();

    [Test]
    public async Task ReadmeCurlExample_UploadsAndReadsBack()
    {
        var script = await ExampleAsync("curl-example");
        Assert.That(script, Does.Contain("curl").And.Contain("X-API-Key"));

        var result = await RunAsync(script);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var outputs = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var upload = JsonDocument.Parse(outputs[0]);
        using var read = JsonDocument.Parse(outputs[^1]);
        Assert.That(upload.RootElement.GetProperty("rows_inserted").GetInt64(), Is.EqualTo(2));
        Assert.That(read.RootElement.GetProperty("count").GetInt64(), Is.EqualTo(2));
        Assert.That(read.RootElement.GetProperty("data")[1].GetProperty("value").GetDouble(), Is.EqualTo(44.0));
        Assert.That(await Sql.ScalarAsync<Guid>(Dsn, "SELECT DISTINCT tenant_id FROM runs"), Is.EqualTo(A.TenantId), "stored under the key's tenant");
    }

    [Test]
    public async Task ReadmeCurlCsvExample_UploadsCsv_AndReadsTheSameRowsBackAsCsv()
    {
        var script = await ExampleAsync("curl-csv-example");
        Assert.That(script, Does.Contain("Content-Type: text/csv").And.Contain("format=csv").And.Contain("X-API-Key"));
        var sent = FormatReaders.CsvRecords(CsvHereDocument().Match(script).Groups["csv"].Value);
        Assert.That(sent, Has.Count.GreaterThan(1), "the README uploads a header and rows");
        var column = sent[0].Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i);

        var result = await RunAsync(script);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        // The upload's answer (curl -w '\n' ends it), then the CSV read.
        var lineEnd = result.Out.IndexOf('\n', StringComparison.Ordinal);
        using var upload = JsonDocument.Parse(result.Out[..lineEnd]);
        Assert.That(upload.RootElement.GetProperty("rows_inserted").GetInt64(), Is.EqualTo(sent.Count - 1), result.Out);
        var read = FormatReaders.FromCsv(result.Out[(lineEnd + 1)..]).Rows.Select(r => JsonDocument.Parse(r).RootElement)
            .Select(r => (r.Str("valid_time"), r.Str("series_key"), r.Num("value"))).ToList();
        var expected = sent.Skip(1).Select(r => (r[column["valid_time"]], r[column["value_key"]],
            r[column["value"]].Length == 0 ? (double?)null : double.Parse(r[column["value"]], CultureInfo.InvariantCulture))).ToList();
        Assert.That(read, Is.EqualTo(expected), "the rows read back are the README's rows, an empty value as null");
        Assert.That(await Sql.ScalarAsync<Guid>(Dsn, "SELECT DISTINCT tenant_id FROM runs"), Is.EqualTo(A.TenantId), "stored under the key's tenant");
    }

    /// <summary>The bash block between <c>&lt;!-- name --&gt;</c> and <c>&lt;!-- /name --&gt;</c> in README.md.</summary>
    private static async Task<string> ExampleAsync(string name)
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"));
        var block = Regex.Match(readme, $"<!-- {Regex.Escape(name)} -->\\s*```bash\\n(?<script>.*?)```\\s*<!-- /{Regex.Escape(name)} -->", RegexOptions.Singleline);
        Assert.That(block.Success, Is.True, $"README.md has a bash block marked <!-- {name} -->");
        return block.Groups["script"].Value;
    }

    /// <summary>Runs <paramref name="script"/> with bash against a real server, with TIMEDB_URL and TIMEDB_KEY (user A's key) set.</summary>
    private async Task<ProcessResult> RunAsync(string script)
    {
        await using var api = await TimeDbApi.StartAsync(["--urls", $"http://127.0.0.1:{FreePort.Next()}"],
            b => b.Configuration[TimeDbApi.DsnSetting] = Infrastructure.Configuration.PostgresUri.ToNpgsql(Dsn));
        return await ProcessRunner.RunAsync("bash", ["-euo", "pipefail", "-c", script], new Dictionary<string, string?>
        {
            ["TIMEDB_URL"] = api.BaseAddress.ToString().TrimEnd('/'),
            ["TIMEDB_KEY"] = A.Key,
        });
    }
}
