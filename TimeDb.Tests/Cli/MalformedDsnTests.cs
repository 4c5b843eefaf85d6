using TimeDb.Tests.Support;

namespace TimeDb.Tests.Cli;

/// <summary>SPEC §9: a connection string that cannot be parsed is reported without any of its text.</summary>
public sealed class MalformedDsnTests
{
    // The password is "1234/xyz": unencoded, its '/' makes "1234" a port and "xyz@db/x" a database name.
    private const string Dsn = "postgresql://u:1234/xyz@db/x";

    private static void AssertReportedWithoutItsText(ProcessResult result)
    {
        Assert.That(result.ExitCode, Is.EqualTo(1), result.Error);
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.StartWith("error: ").And.Contain("percent-encoded"));
        foreach (var fragment in new[] { "1234", "xyz", "db/x" })
        {
            Assert.That(result.Out + result.Error, Does.Not.Contain(fragment), $"'{fragment}' is a piece of the password or the URI");
        }
    }

    [Test]
    public async Task CreateTables_WithUnencodedSlashInThePasswordOfDsnOption_ErrorsWithoutAnyOfItsText()
    {
        var result = await CliRunner.RunProcessAsync(["create", "tables", "--dsn", Dsn, "-y"]);

        AssertReportedWithoutItsText(result);
    }

    [Test]
    public async Task UsersList_WithUnencodedSlashInThePasswordOfTimeDbDsn_ErrorsWithoutAnyOfItsText()
    {
        var result = await CliRunner.RunProcessAsync(["users", "list"], new Dictionary<string, string?> { ["TIMEDB_DSN"] = Dsn });

        AssertReportedWithoutItsText(result);
        Assert.That(result.Error, Does.Contain("TIMEDB_DSN"));
    }
}
