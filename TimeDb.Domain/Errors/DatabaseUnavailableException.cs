namespace TimeDb.Domain.Errors;

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
    Busy,
}

/// <summary>
/// The database cannot serve TimeDB right now. The message says what to do and holds no secret, but it may
/// name the server (the CLI prints it to the operator, the log keeps it); answers use a detail without it.
/// </summary>
public sealed class DatabaseUnavailableException(DatabaseProblem problem, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public DatabaseProblem Problem { get; } = problem;
}
