using Npgsql;
using TimeDb.Infrastructure.Configuration;

namespace TimeDb.Tests.Configuration;

public sealed class ConnectionStringResolverTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"timedb-resolver-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private static Func<string, string?> Env(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    private static string Host(ResolvedConnection? c) => new NpgsqlConnectionStringBuilder(c!.ConnectionString).Host!;

    private void WriteDotEnv(string content) => File.WriteAllText(Path.Combine(_directory, ".env"), content);

    [Test]
    public void ExplicitDsn_WinsOverEverything()
    {
        WriteDotEnv("TIMEDB_DSN=postgresql://u@fromdotenv/db");
        var c = ConnectionStringResolver.TryResolve("postgresql://u@explicit/db", Env(("TIMEDB_DSN", "postgresql://u@fromenv/db")), _directory);
        Assert.Multiple(() =>
        {
            Assert.That(Host(c), Is.EqualTo("explicit"));
            Assert.That(c!.Source, Is.EqualTo("--dsn"));
        });
    }

    [Test]
    public void TimeDbDsn_WinsOverDatabaseUrl()
    {
        var c = ConnectionStringResolver.TryResolve(null,
            Env(("TIMEDB_DSN", "postgresql://u@timedb/db"), ("DATABASE_URL", "postgresql://u@databaseurl/db")), _directory);
        Assert.That(Host(c), Is.EqualTo("timedb"));
    }

    [Test]
    public void DatabaseUrl_IsUsedWhenTimeDbDsnIsAbsent()
    {
        var c = ConnectionStringResolver.TryResolve(null, Env(("DATABASE_URL", "postgres://u@databaseurl/db")), _directory);
        Assert.That(Host(c), Is.EqualTo("databaseurl"));
    }

    [Test]
    public void DotEnv_FillsInWhenTheEnvironmentHasNothing()
    {
        WriteDotEnv("# local settings\nexport TIMEDB_DSN=\"postgresql://u@dotenv/db\"\n");
        var c = ConnectionStringResolver.TryResolve(null, Env(), _directory);
        Assert.Multiple(() =>
        {
            Assert.That(Host(c), Is.EqualTo("dotenv"));
            Assert.That(c!.Source, Does.Contain(".env"));
        });
    }

    [Test]
    public void DotEnv_NeverOverridesAVariableAlreadySet()
    {
        WriteDotEnv("TIMEDB_DSN=postgresql://u@dotenv/db");
        var c = ConnectionStringResolver.TryResolve(null, Env(("TIMEDB_DSN", "postgresql://u@environment/db")), _directory);
        Assert.That(Host(c), Is.EqualTo("environment"));
    }

    [Test]
    public void Nothing_Configured_ReturnsNull_AndResolveNamesBothVariables()
    {
        Assert.That(ConnectionStringResolver.TryResolve(null, Env(), _directory), Is.Null);
        var ex = Assert.Throws<ConnectionStringException>(() => ConnectionStringResolver.Resolve(null, Env(), _directory));
        Assert.That(ex!.Message, Does.Contain("TIMEDB_DSN").And.Contain("DATABASE_URL"));
    }

    [TestCase("TIMEDB_DSN")]
    [TestCase("DATABASE_URL")]
    public void UnencodedSlashInPassword_IsOneLineNamingBothVariables_WithoutAnyOfItsText(string variable)
    {
        var ex = Assert.Throws<ConnectionStringException>(() =>
            ConnectionStringResolver.Resolve(null, Env((variable, "postgresql://u:1234/xyz@db/x")), _directory));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.StartWith(variable).And.Contain("TIMEDB_DSN").And.Contain("DATABASE_URL").And.Contain("percent-encoded"));
            Assert.That(ex.Message, Does.Not.Contain("1234").And.Not.Contain("xyz").And.Not.Contain("db/x"));
            Assert.That(ex.Message, Does.Not.Contain("\n"));
        });
    }

    [Test]
    public void MalformedValue_NamesItsSourceButNotThePassword()
    {
        var ex = Assert.Throws<ConnectionStringException>(() =>
            ConnectionStringResolver.Resolve(null, Env(("DATABASE_URL", "postgresql://u:hunter2@h:port/db")), _directory));
        Assert.That(ex!.Message, Does.StartWith("DATABASE_URL").And.Not.Contain("hunter2"));
    }

    [Test]
    public void DotEnvParser_HandlesQuotesCommentsAndBlankLines()
    {
        var values = DotEnvFile.Parse(["", "# comment", "A=1", "B = 'two words'", "C=three # trailing", "NOEQUALS", "export D=4"]);
        Assert.Multiple(() =>
        {
            Assert.That(values["A"], Is.EqualTo("1"));
            Assert.That(values["B"], Is.EqualTo("two words"));
            Assert.That(values["C"], Is.EqualTo("three"));
            Assert.That(values["D"], Is.EqualTo("4"));
            Assert.That(values, Has.Count.EqualTo(4));
        });
    }
}
