using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Schema;
using TimeDb.Infrastructure.Errors;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.Schema;

/// <summary>Creates, inspects and drops TimeDB's schema; used by the CLI, the schema endpoints and readiness.</summary>
public sealed class SchemaManager(TimeDbContext db) : ISchemaAdministration
{
    public async Task<SchemaStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var applied = await Guard(async () => (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList());
        var pending = db.Database.GetMigrations().Except(applied, StringComparer.Ordinal).ToList();
        bool? authentication = applied.Count == 0 ? null : await ReadAuthenticationAsync(cancellationToken);
        return new SchemaStatus(applied, pending, authentication);
    }

    /// <summary>
    /// Applies pending migrations. A new schema gets the authentication mode asked for; an existing one
    /// can be switched on with <paramref name="withUsers"/> but is never switched off implicitly.
    /// </summary>
    public Task<CreateTablesResult> CreateAsync(bool withUsers, CancellationToken cancellationToken = default) =>
        CreateOrUpgradeAsync(withUsers, createMissing: true, cancellationToken);

    /// <inheritdoc />
    public Task<CreateTablesResult> UpgradeAsync(bool withUsers, CancellationToken cancellationToken) =>
        CreateOrUpgradeAsync(withUsers, createMissing: false, cancellationToken);

    private async Task<CreateTablesResult> CreateOrUpgradeAsync(bool withUsers, bool createMissing, CancellationToken cancellationToken)
    {
        // Like `dotnet ef database update`, a missing database is created (the caller is told).
        var databaseExisted = !createMissing || await Guard(() => db.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken));
        var before = await GetStatusAsync(cancellationToken);
        if (!before.Exists && !createMissing)
        {
            // Over HTTP the first schema is never made: whoever asked could choose "no keys" for everyone.
            throw new DatabaseUnavailableException(DatabaseProblem.SchemaMissing, DatabaseErrors.SchemaMissingDetail);
        }

        if (!before.IsCurrent)
        {
            await Guard(async () => { await db.Database.MigrateAsync(cancellationToken); return 0; });
        }

        // An existing schema without the setting row counts as on (closed by default), as for every request.
        var authentication = before.Exists ? before.AuthenticationEnabled != false || withUsers : withUsers;
        await WriteAuthenticationAsync(authentication, cancellationToken);

        var outcome = !before.Exists ? CreateTablesOutcome.Created
            : before.Pending.Count > 0 ? CreateTablesOutcome.Upgraded
            : CreateTablesOutcome.AlreadyCurrent;
        return new CreateTablesResult(outcome, authentication, before.Pending, !databaseExisted);
    }

    /// <summary>The SQL that <see cref="CreateAsync"/> would run now, without running it.</summary>
    public async Task<string> ScriptAsync(bool withUsers, bool againstDatabase, CancellationToken cancellationToken = default)
    {
        string? from = null;
        var exists = false;
        if (againstDatabase)
        {
            var status = await GetStatusAsync(cancellationToken);
            from = status.Applied.Count > 0 ? status.Applied[^1] : null;
            exists = status.Exists;
        }

        var migrator = db.GetService<IMigrator>();
        var sql = new StringBuilder(migrator.GenerateScript(fromMigration: from));
        if (sql.Length == 0 || sql.ToString().Trim().Length == 0)
        {
            sql.AppendLine("-- the TimeDB schema is up to date: nothing to apply");
        }

        if (!exists)
        {
            var mode = withUsers ? TimeDbSetting.On : TimeDbSetting.Off;
            sql.AppendLine()
               .AppendLine("-- authentication mode of the new schema")
               .AppendLine($"UPDATE {TableNames.Settings} SET value = '{mode}' WHERE name = '{TimeDbSetting.Authentication}';");
        }

        return sql.ToString();
    }

    /// <summary>Drops every table TimeDB created. Returns the tables that existed (none: nothing was done).</summary>
    public async Task<IReadOnlyList<string>> DropAsync(CancellationToken cancellationToken = default)
    {
        return await Guard(async () =>
        {
            var existing = await ExistingTablesAsync(cancellationToken);
            if (existing.Count > 0)
            {
                var list = string.Join(", ", existing.Select(t => $"\"{t}\""));
#pragma warning disable EF1002 // table and function names come from TableNames constants, not from input
                var functions = string.Join(", ", TableNames.TriggerFunctions.Select(f => $"{f}()"));
                await db.Database.ExecuteSqlRawAsync($"DROP TABLE IF EXISTS {list} CASCADE; DROP FUNCTION IF EXISTS {functions}", cancellationToken);
#pragma warning restore EF1002
            }

            return existing;
        });
    }

    public async Task<bool> IsAuthenticationEnabledAsync(CancellationToken cancellationToken = default) =>
        await ReadAuthenticationAsync(cancellationToken) ?? true;

    private async Task<List<string>> ExistingTablesAsync(CancellationToken cancellationToken)
    {
        var names = TableNames.All.ToArray();
        var found = await db.Database
            .SqlQuery<string>($"SELECT table_name::text AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY({names})")
            .ToListAsync(cancellationToken);
        return TableNames.All.Where(found.Contains).ToList();
    }

    private async Task<bool?> ReadAuthenticationAsync(CancellationToken cancellationToken)
    {
        var value = await Guard(() => db.Settings.AsNoTracking()
            .Where(s => s.Name == TimeDbSetting.Authentication)
            .Select(s => s.Value)
            .FirstOrDefaultAsync(cancellationToken));
        return value is null ? null : value == TimeDbSetting.On;
    }

    private async Task WriteAuthenticationAsync(bool enabled, CancellationToken cancellationToken)
    {
        var value = enabled ? TimeDbSetting.On : TimeDbSetting.Off;
        await Guard(() => db.Database.ExecuteSqlAsync(
            $"INSERT INTO timedb_settings (name, value) VALUES ({TimeDbSetting.Authentication}, {value}) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            cancellationToken));
    }

    private async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException
                                   && DatabaseErrors.Classify(ex, db.Database.GetConnectionString()) is not null)
        {
            throw DatabaseErrors.Classify(ex, db.Database.GetConnectionString())!;
        }
    }
}
