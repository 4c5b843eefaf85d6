namespace TimeDb.Domain.Schema;

/// <summary>The state of TimeDB's schema in one database.</summary>
public sealed record SchemaStatus(IReadOnlyList<string> Applied, IReadOnlyList<string> Pending, bool? AuthenticationEnabled)
{
    public bool Exists => Applied.Count > 0;
    public bool IsCurrent => Exists && Pending.Count == 0;
}

/// <summary>What <c>create tables</c> did.</summary>
public enum CreateTablesOutcome
{
    Created,
    Upgraded,
    AlreadyCurrent,
}

/// <summary>The outcome of creating or upgrading the schema, with the migrations it applied.</summary>
public sealed record CreateTablesResult(CreateTablesOutcome Outcome, bool AuthenticationEnabled, IReadOnlyList<string> AppliedMigrations, bool DatabaseCreated);
