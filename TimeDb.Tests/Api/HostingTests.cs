using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TimeDb.Api.Hosting;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

public sealed class HostingTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<HttpStatusCode> WaitForLiveAsync(string baseUrl, Process process)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"{baseUrl}/health/live"));
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
            catch (TaskCanceledException)
            {
                // Listening, but the first request of a cold process on a busy machine took over 2 s: ask again.
            }
        }

        throw new TimeoutException($"API did not answer on {baseUrl}");
    }

    private static async Task<HttpStatusCode> RunUntilLiveAsync(string fileName, string[] args, string baseUrl)
    {
        using var process = Process.Start(ProcessRunner.StartInfo(fileName, args,
            new Dictionary<string, string?> { ["TIMEDB_DSN"] = TestEnvironment.AppConnectionString }, null))!;
        try
        {
            return await WaitForLiveAsync(baseUrl, process);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Test]
    public async Task StartAsync_RunsTheApiInTheBackground_AndStopsOnDispose()
    {
        var port = FreePort();
        var api = await TimeDbApi.StartAsync(["--urls", $"http://127.0.0.1:{port}"],
            b => b.Configuration[TimeDbApi.DsnSetting] = TestEnvironment.AppConnectionString);
        using var client = new HttpClient { BaseAddress = api.BaseAddress };

        using (var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await api.DisposeAsync();
        Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("/health/live", UriKind.Relative)));
    }

    [Test]
    public async Task ApiDll_StartsWithUrls()
    {
        var port = FreePort();
        var status = await RunUntilLiveAsync("dotnet", [RepositoryPaths.Assembly("TimeDb.Api.dll"), "--urls", $"http://127.0.0.1:{port}"], $"http://127.0.0.1:{port}");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TimeDbApiCommand_ServesOnHostAndPort()
    {
        var port = FreePort();
        var status = await RunUntilLiveAsync("dotnet", [RepositoryPaths.Assembly("timedb.dll"), "api", "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], $"http://127.0.0.1:{port}");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ApiDll_WithoutDsn_ExitsNonZeroWithOneLineNamingTheVariables()
    {
        var result = await ProcessRunner.RunAsync("dotnet", [RepositoryPaths.Assembly("TimeDb.Api.dll"), "--urls", "http://127.0.0.1:0"]);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error.Trim(), Does.StartWith("error: ").And.Contain("TIMEDB_DSN").And.Contain("DATABASE_URL"));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task TimeDbApiCommand_WithoutDsn_FailsFast()
    {
        var result = await CliRunner.RunProcessAsync(["api", "--port", "1"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("TIMEDB_DSN").And.Contain("DATABASE_URL"));
    }

    [Test]
    public async Task ApiDll_WithMalformedDsn_FailsFastWithoutThePassword()
    {
        var result = await ProcessRunner.RunAsync("dotnet", [RepositoryPaths.Assembly("TimeDb.Api.dll")],
            new Dictionary<string, string?> { ["DATABASE_URL"] = "postgres://u:p4ssw0rd@h:port/db" });

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain("DATABASE_URL").And.Not.Contain("p4ssw0rd"));
    }
}
