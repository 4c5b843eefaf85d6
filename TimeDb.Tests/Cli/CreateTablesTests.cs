using Npgsql;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Cli;

public sealed class CreateTablesTests
{
    private static readonly string[] AllTables = ["__EFMigrationsHistory", "api_keys", "idempotency_keys", "rate_limit_windows", "runs", "series", "timedb_settings", "users", "values"];

    private static Task<string?> AuthModeAsync(string dsn) =>
        Sql.ScalarAsync<string>(dsn, "SELECT value FROM timedb_settings WHERE name = 'authentication'");

    [Test]
    public async Task CreateTables_WithUsers_CreatesEveryTable_AndTurnsAuthenticationOn()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("Created").And.Contain("Authentication: on"));
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Is.EqualTo(AllTables));
        Assert.That(await AuthModeAsync(db.ConnectionString), Is.EqualTo("on"));
    }

    [Test]
    public async Task CreateTables_WithoutUsers_TurnsAuthenticationOff()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(["create", "tables", "-d", db.ConnectionString, "-y"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("Authentication: off"));
        Assert.That(await AuthModeAsync(db.ConnectionString), Is.EqualTo("off"));
    }

    [Test]
    public async Task CreateTables_Twice_IsAClearNoOp()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        var second = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);

        Assert.That(second.ExitCode, Is.Zero, second.Error);
        Assert.That(second.Out, Does.Contain("already exist").And.Contain("nothing to create"));
    }

    [Test]
    public async Task CreateTables_WithUsers_OnASingleUserSchema_TurnsAuthenticationOn()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);
        var result = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(await AuthModeAsync(db.ConnectionString), Is.EqualTo("on"));
    }

    [Test]
    public async Task CreateTables_WithoutUsers_NeverSwitchesAuthenticationOff()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        var result = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("Authentication: on"));
        Assert.That(await AuthModeAsync(db.ConnectionString), Is.EqualTo("on"));
    }

    [Test]
    public async Task CreateTables_WithoutTerminal_AndWithoutYes_RefusesAndCreatesNothing()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim(), Does.StartWith("error: refusing to create tables").And.Contain("-y"));
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Is.Empty);
    }

    [Test]
    public async Task CreateTables_AtATerminal_AsksAndProceedsOnYes()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString], input: "y\n", interactive: true);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("[y/N]"));
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Has.Member("values"));
    }

    [Test]
    public async Task CreateTables_AtATerminal_AbortsOnNo()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString], input: "n\n", interactive: true);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("aborted"));
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Is.Empty);
    }

    [Test]
    public async Task CreateTables_DryRun_PrintsTheSqlAndCreatesNothing()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "--dry-run"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("CREATE TABLE runs").And.Contain("CREATE TABLE values").And.Contain("CREATE TABLE api_keys"));
        Assert.That(result.Out, Does.Contain("SET value = 'on'"));
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Is.Empty);
    }

    [Test]
    public async Task CreateTables_DryRun_OnACurrentSchema_SaysNothingToApply()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);
        var result = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--dry-run"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("up to date").And.Not.Contain("CREATE TABLE"));
    }

    [Test]
    public async Task CreateTables_DryRun_WithoutAnyDatabase_PrintsTheFullScript()
    {
        var result = await CliRunner.RunProcessAsync(["create", "tables", "--dry-run"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("no database configured").And.Contain("CREATE TABLE series"));
    }

    [Test]
    public async Task CreateTables_UnreachableDatabase_IsOneLineError()
    {
        var result = await CliRunner.RunProcessAsync(["create", "tables", "--dsn", "postgresql://u:pw-never-shown@127.0.0.1:1/db", "-y"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.StartWith("error: cannot reach PostgreSQL at u@127.0.0.1:1/db"));
        Assert.That(result.Error + result.Out, Does.Not.Contain("pw-never-shown").And.Not.Contain("   at "));
    }

    [Test]
    public async Task CreateTables_WrongPassword_IsOneLineErrorWithoutThePassword()
    {
        var dsn = new NpgsqlConnectionStringBuilder(TestEnvironment.Server.AdminConnectionString) { Password = "wrong-pass-123" }.ConnectionString;
        var result = await CliRunner.RunProcessAsync(["create", "tables", "--dsn", dsn, "-y"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.Contain("refused the login").And.Contain("password"));
        Assert.That(result.Error, Does.Not.Contain("wrong-pass-123"));
    }

    [Test]
    public async Task CreateTables_MissingDatabase_IsCreatedLikeDotnetEf_AndSaysSo()
    {
        var name = $"timedb_new_{Guid.NewGuid():N}";
        var dsn = new NpgsqlConnectionStringBuilder(TestEnvironment.Server.AdminConnectionString) { Database = name }.ConnectionString;
        try
        {
            var result = await CliRunner.RunAsync(["create", "tables", "--dsn", dsn, "-y"]);

            Assert.That(result.ExitCode, Is.Zero, result.Error);
            Assert.That(result.Out, Does.Contain($"Created the database").And.Contain(name));
            Assert.That(await Sql.TablesAsync(dsn), Has.Member("values"));
        }
        finally
        {
            await TestEnvironment.Server.DropDatabaseAsync(dsn);
        }
    }

    [Test]
    public async Task CreateTables_ForeignTableInTheWay_IsOneLineError()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await Sql.ExecuteAsync(db.ConnectionString, "CREATE TABLE runs (id int)");
        var result = await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("runs").And.Contain("not created by TimeDB"));
    }

    [Test]
    public async Task CreateTables_MalformedDsn_IsOneLineErrorWithoutThePassword()
    {
        var result = await CliRunner.RunAsync(["create", "tables", "--dsn", "postgresql://u:hunter2@h:notaport/db", "-y"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("port").And.Not.Contain("hunter2"));
    }

    [Test]
    public async Task CreateTables_NoDsnAnywhere_NamesTheVariables()
    {
        var result = await CliRunner.RunProcessAsync(["create", "tables", "-y"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("TIMEDB_DSN").And.Contain("DATABASE_URL"));
    }

    [Test]
    public async Task CreateTables_UsesTimeDbDsnFromTheEnvironment()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var result = await CliRunner.RunProcessAsync(["create", "tables", "-y"], new Dictionary<string, string?> { ["TIMEDB_DSN"] = db.ConnectionString });

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Has.Member("runs"));
    }

    [Test]
    public async Task CreateTables_UsesDotEnvInTheWorkingDirectory()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var dir = Directory.CreateTempSubdirectory("timedb-dotenv-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, ".env"), $"DATABASE_URL=\"{db.ConnectionString}\"\n");
            var result = await CliRunner.RunProcessAsync(["create", "tables", "-y"], workingDirectory: dir);

            Assert.That(result.ExitCode, Is.Zero, result.Error);
            Assert.That(await Sql.TablesAsync(db.ConnectionString), Has.Member("runs"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
