using System.Text.Json;
using System.Text.RegularExpressions;
using TimeDb.Api.Hosting;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

/// <summary>The README's curl example, run as written against a real server with authentication on.</summary>
public sealed partial class ReadmeExampleTests : AuthenticatedApiTest
{
    [GeneratedRegex("<!-- curl-example -->\\s*```bash\\n(?<script>.*?)```\\s*<!-- /curl-example -->", RegexOptions.Singleline)]
    private static partial Regex CurlExample();

    [Test]
    public async Task ReadmeCurlExample_UploadsAndReadsBack()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"));
        var script = CurlExample().Match(readme).Groups["script"].Value;
        Assert.That(script, Does.Contain("curl").And.Contain("X-API-Key"));

        await using var api = await TimeDbApi.StartAsync(["--urls", $"http://127.0.0.1:{FreePort.Next()}"],
            b => b.Configuration[TimeDbApi.DsnSetting] = Infrastructure.Configuration.PostgresUri.ToNpgsql(Dsn));
        var result = await ProcessRunner.RunAsync("bash", ["-euo", "pipefail", "-c", script], new Dictionary<string, string?>
        {
            ["TIMEDB_URL"] = api.BaseAddress.ToString().TrimEnd('/'),
            ["TIMEDB_KEY"] = A.Key,
        });

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var outputs = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var upload = JsonDocument.Parse(outputs[0]);
        using var read = JsonDocument.Parse(outputs[^1]);
        Assert.That(upload.RootElement.GetProperty("rows_inserted").GetInt64(), Is.EqualTo(2));
        Assert.That(read.RootElement.GetProperty("count").GetInt64(), Is.EqualTo(2));
        Assert.That(read.RootElement.GetProperty("data")[1].GetProperty("value").GetDouble(), Is.EqualTo(44.0));
        Assert.That(await Sql.ScalarAsync<Guid>(Dsn, "SELECT DISTINCT tenant_id FROM runs"), Is.EqualTo(A.TenantId), "stored under the key's tenant");
    }
}
