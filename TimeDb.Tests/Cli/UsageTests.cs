using TimeDb.Tests.Support;

namespace TimeDb.Tests.Cli;

public sealed class UsageTests
{
    [Test]
    public async Task UnknownOption_IsAUsageError_ExitCode2()
    {
        var result = await CliRunner.RunProcessAsync(["create", "tables", "--bogus"]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith("error: ").And.Contain("--bogus"));
    }

    [Test]
    public async Task MissingSubcommand_IsAUsageError()
    {
        var result = await CliRunner.RunAsync(["create"]);
        Assert.That(result.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public async Task MissingRequiredOption_IsAUsageError()
    {
        var result = await CliRunner.RunAsync(["users", "create", "--email", "a@example.com"]);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--tenant-id"));
    }

    [Test]
    public async Task BadPort_IsAUsageError()
    {
        var result = await CliRunner.RunAsync(["api", "--port", "70000"]);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--port"));
    }

    // A number that does not parse was once an unhandled exception with a stack trace (exit 134).
    [TestCase("api", "--port", "abc")]
    [TestCase("bench", "--rows", "abc")]
    [TestCase("bench", "--concurrency", "0")]
    [TestCase("bench", "--duration", "-1")]
    public async Task NumberThatDoesNotParse_IsAUsageError_NotACrash(string command, string option, string value)
    {
        var result = await CliRunner.RunProcessAsync([command, option, value]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.StartWith($"error: {option} must be a whole number").And.Not.Contain("   at "));
    }

    [Test]
    public async Task Help_ListsTheCommands_AndSucceeds()
    {
        var result = await CliRunner.RunAsync(["--help"]);
        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Out, Does.Contain("create").And.Contain("delete").And.Contain("api").And.Contain("users").And.Contain("bench"));
    }
}
