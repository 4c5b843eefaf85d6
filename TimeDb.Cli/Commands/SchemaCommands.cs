using System.CommandLine;
using TimeDb.Domain.Schema;
using TimeDb.Infrastructure.Configuration;
using TimeDb.Infrastructure.Schema;

namespace TimeDb.Cli.Commands;

/// <summary><c>timedb create tables</c> and <c>timedb delete tables</c>.</summary>
internal static class SchemaCommands
{
    public static Command Create(CliConsole console)
    {
        var dsn = CommonOptions.Dsn();
        var yes = CommonOptions.Yes();
        var withUsers = new Option<bool>("--with-users") { Description = "Create users and API keys and turn authentication on" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the SQL instead of running it" };
        var tables = new Command("tables", "Create or upgrade the TimeDB schema (EF Core migrations)") { dsn, withUsers, yes, dryRun };
        tables.SetAction(async (parsed, ct) =>
        {
            var explicitDsn = parsed.GetValue(dsn);
            var users = parsed.GetValue(withUsers);
            if (parsed.GetValue(dryRun))
            {
                return await PrintScriptAsync(console, explicitDsn, users, ct);
            }

            await using var services = CliServices.For(explicitDsn);
            var mode = users ? "with authentication (users and API keys)" : "without authentication (single-user mode)";
            await Confirmation.RequireAsync(console, $"Create the TimeDB tables in {services.Target} {mode}?", parsed.GetValue(yes), "create tables");

            var result = await services.Get<SchemaManager>().CreateAsync(users, ct);
            var auth = result.AuthenticationEnabled
                ? "Authentication: on (create a user with `timedb users create`)."
                : "Authentication: off (single-user mode, no API key needed).";
            var what = result.Outcome switch
            {
                CreateTablesOutcome.Created => $"Created the TimeDB tables in {services.Target}.",
                CreateTablesOutcome.Upgraded => $"Upgraded the TimeDB tables in {services.Target} ({result.AppliedMigrations.Count} migration(s) applied).",
                _ => $"The TimeDB tables already exist in {services.Target} and are up to date; nothing to create.",
            };
            if (result.DatabaseCreated)
            {
                await console.Out.WriteLineAsync($"Created the database {services.Target} (it did not exist).");
            }

            await console.Out.WriteLineAsync($"{what} {auth}");
            return ExitCodes.Success;
        });
        return new Command("create", "Create TimeDB objects") { tables };
    }

    public static Command Delete(CliConsole console)
    {
        var dsn = CommonOptions.Dsn();
        var yes = CommonOptions.Yes();
        var tables = new Command("tables", "Drop every table TimeDB created, users and keys included") { dsn, yes };
        tables.SetAction(async (parsed, ct) =>
        {
            await using var services = CliServices.For(parsed.GetValue(dsn));
            await Confirmation.RequireAsync(console,
                $"Drop all TimeDB tables in {services.Target}? Every run, series, value, user and key is deleted.",
                parsed.GetValue(yes), "delete tables");
            var dropped = await services.Get<SchemaManager>().DropAsync(ct);
            await console.Out.WriteLineAsync(dropped.Count == 0
                ? $"No TimeDB tables in {services.Target}; nothing to delete."
                : $"Dropped {dropped.Count} table(s) in {services.Target}: {string.Join(", ", dropped)}.");
            return ExitCodes.Success;
        });
        return new Command("delete", "Delete TimeDB objects") { tables };
    }

    private static async Task<int> PrintScriptAsync(CliConsole console, string? dsn, bool withUsers, CancellationToken ct)
    {
        // Without a configured database the dry run prints the script for a new one.
        var connection = ConnectionStringResolver.TryResolve(dsn, Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
        await using var services = CliServices.For(connection ?? new ResolvedConnection("Host=localhost", "placeholder"));
        if (connection is null)
        {
            await console.Out.WriteLineAsync("-- no database configured: the script for a new, empty database");
        }

        await console.Out.WriteLineAsync(await services.Get<SchemaManager>().ScriptAsync(withUsers, connection is not null, ct));
        return ExitCodes.Success;
    }
}
