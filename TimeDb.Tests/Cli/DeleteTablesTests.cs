using TimeDb.Tests.Support;

namespace TimeDb.Tests.Cli;

public sealed class DeleteTablesTests
{
    private static readonly string[] UnrelatedOnly = ["unrelated"];

    [Test]
    public async Task DeleteTables_DropsEverythingTimeDbCreated_UsersIncluded()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "--with-users", "-y"]);
        await CliRunner.RunAsync(["users", "create", "--dsn", db.ConnectionString, "-t", Guid.NewGuid().ToString(), "-e", "a@example.com"]);
        await Sql.ExecuteAsync(db.ConnectionString, "CREATE TABLE unrelated (id int)");

        var result = await CliRunner.RunAsync(["delete", "tables", "--dsn", db.ConnectionString, "-y"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("Dropped 9 table(s)"));
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Is.EqualTo(UnrelatedOnly));
    }

    [Test]
    public async Task DeleteTables_OnAnEmptyDatabase_IsAClearNoOp()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(["delete", "tables", "--dsn", db.ConnectionString, "-y"]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("nothing to delete"));
    }

    [Test]
    public async Task DeleteTables_WithoutTerminal_AndWithoutYes_RefusesAndKeepsTheTables()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);

        var result = await CliRunner.RunProcessAsync(["delete", "tables", "--dsn", db.ConnectionString]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim(), Is.EqualTo("error: refusing to delete tables without confirmation: no terminal to ask; pass -y to confirm"));
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Has.Member("values"));
    }

    [Test]
    public async Task DeleteTables_AtATerminal_AbortsUnlessYes()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);

        var declined = await CliRunner.RunAsync(["delete", "tables", "--dsn", db.ConnectionString], input: "\n", interactive: true);
        Assert.That(declined.ExitCode, Is.EqualTo(1));
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Has.Member("values"));

        var accepted = await CliRunner.RunAsync(["delete", "tables", "--dsn", db.ConnectionString], input: "yes\n", interactive: true);
        Assert.That(accepted.ExitCode, Is.Zero, accepted.Error);
        Assert.That(await Sql.TablesAsync(db.ConnectionString), Is.Empty);
    }

    [Test]
    public async Task DeleteTables_UnreachableDatabase_IsOneLineError()
    {
        var result = await CliRunner.RunAsync(["delete", "tables", "--dsn", "postgresql://u:pw@127.0.0.1:1/db", "-y"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.StartWith("error: cannot reach PostgreSQL"));
    }
}
