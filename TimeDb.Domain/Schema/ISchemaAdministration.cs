namespace TimeDb.Domain.Schema;

/// <summary>Schema administration as the API offers it: inspect, upgrade an existing schema, drop.</summary>
/// <remarks>
/// There is no "create" here on purpose: the first schema, and with it the authentication mode, is made by
/// the CLI (`timedb create tables`), never over HTTP (SPEC §9, ADR-014-authentication-mode).
/// </remarks>
public interface ISchemaAdministration
{
    Task<SchemaStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies pending migrations to an existing schema and switches authentication on when asked (never
    /// off). Throws <see cref="Errors.DatabaseUnavailableException"/> (schema missing) and creates nothing
    /// when there is no schema.
    /// </summary>
    Task<CreateTablesResult> UpgradeAsync(bool withUsers, CancellationToken cancellationToken);

    /// <summary>Drops every table TimeDB created. Returns the tables that existed (none: nothing was done).</summary>
    Task<IReadOnlyList<string>> DropAsync(CancellationToken cancellationToken);
}
