namespace TimeDb.Infrastructure.Errors;

/// <summary>What is wrong with the database, in words a user can act on.</summary>
public enum DatabaseProblem
{
    Unreachable,
    AuthenticationFailed,
    DatabaseMissing,
    SchemaMissing,
    SchemaConflict,
    Timeout,
    QueryTimeout,
}

/// <summary>The database cannot serve TimeDB right now; the message says what to do and holds no secret.</summary>
public sealed class DatabaseUnavailableException(DatabaseProblem problem, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public DatabaseProblem Problem { get; } = problem;
}
