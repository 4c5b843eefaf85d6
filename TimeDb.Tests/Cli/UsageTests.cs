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

    [Test]
    public async Task BareTimedb_PrintsHelp_ExitZero()
    {
        var result = await CliRunner.RunProcessAsync([]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("Usage:").And.Contain("users").And.Contain("create").And.Contain("api"));
        Assert.That(result.Error, Is.Empty);
    }

    [TestCase(new[] { "uers" }, "error: unknown command 'uers'; did you mean 'users'?")]
    [TestCase(new[] { "users", "lst" }, "error: unknown command 'users lst'; did you mean 'users list'?")]
    [TestCase(new[] { "create", "tabels", "-y" }, "error: unknown command 'create tabels'; did you mean 'create tables'?")]
    [TestCase(new[] { "frobnicate" }, "error: unknown command 'frobnicate'; the commands here are: create, delete, api, health, users, keys, bench")]
    public async Task UnknownCommand_IsOneLine_WithTheClosestMatch_ExitCode2(string[] args, string expected)
    {
        var result = await CliRunner.RunProcessAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.TrimEnd('\n', '\r'), Is.EqualTo(expected));
        Assert.That(result.Out, Is.Empty);
    }

    [TestCase(new[] { "users", "create", "--tenant-id", "notaguid", "-e", "a@example.com" }, "error: --tenant-id must be a UUID")]
    [TestCase(new[] { "users", "list", "--tenant-id", "notaguid" }, "error: --tenant-id must be a UUID")]
    [TestCase(new[] { "keys", "revoke", "--key-id", "12", "-y" }, "error: --key-id must be a UUID")]
    [TestCase(new[] { "api", "--port", "x" }, "error: --port must be a whole number")]
    public async Task OptionThatDoesNotConvert_SaysWhatIsExpected_WithoutDotNetTypeNames(string[] args, string expected)
    {
        var result = await CliRunner.RunProcessAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith(expected));
        Assert.That(result.Error, Does.Not.Contain("System.").And.Not.Contain("Guid").And.Not.Contain("Int32"));
    }
}
