using TimeDb.Tests.Support;

namespace TimeDb.Tests.Cli;

/// <summary><c>timedb health</c> against a running API is covered by ContainerLayoutTests (healthy, then killed).</summary>
public sealed class HealthCommandTests
{
    [Test]
    public async Task NotAnHttpUrl_IsRefusedWithAClearMessage()
    {
        var result = await CliRunner.RunAsync(["health", "--url", "ftp://127.0.0.1/health/live"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("--url must be an absolute http(s) URL"));
    }

    [Test]
    public async Task NothingListening_IsUnhealthy_Exit1()
    {
        var result = await CliRunner.RunAsync(["health", "--url", $"http://127.0.0.1:{FreePort.Next()}/health/live", "--timeout", "2"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("did not answer"));
    }
}
