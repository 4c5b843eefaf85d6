namespace TimeDb.Infrastructure.Persistence;

/// <summary>The tables TimeDB owns; hand-written SQL and the schema manager use these names.</summary>
public static class TableNames
{
    public const string Runs = "runs";
    public const string Series = "series";
    public const string Values = "values";
    public const string Users = "users";
    public const string ApiKeys = "api_keys";
    public const string Settings = "timedb_settings";
    public const string IdempotencyKeys = "idempotency_keys";
    public const string RateLimitWindows = "rate_limit_windows";
    public const string MigrationsHistory = "__EFMigrationsHistory";

    /// <summary>Every table TimeDB creates, dependents first (the order to drop them in).</summary>
    public static IReadOnlyList<string> All { get; } = [Values, Runs, Series, IdempotencyKeys, RateLimitWindows, ApiKeys, Users, Settings, MigrationsHistory];

    /// <summary>The trigger functions of migration ValuesSetWiseIntegrity (ADR-022): dropping the tables leaves them behind.</summary>
    public static IReadOnlyList<string> TriggerFunctions { get; } =
        ["timedb_values_check_parents", "timedb_refuse_key_change", "timedb_runs_delete_values", "timedb_series_restrict_delete"];
}
