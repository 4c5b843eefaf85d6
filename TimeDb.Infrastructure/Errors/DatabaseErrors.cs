using System.Net.Sockets;
using Npgsql;
using TimeDb.Domain.Errors;
using TimeDb.Infrastructure.Configuration;

namespace TimeDb.Infrastructure.Errors;

/// <summary>
/// Turns Npgsql failures into one-line, password-free explanations. The CLI prints <see cref="Classify"/>'s
/// message (it may name the server: the operator chose it) and the log keeps it; an HTTP answer says only
/// <see cref="AnswerDetail"/>, which never names the host, port, user or database (SPEC §9).
/// </summary>
public static class DatabaseErrors
{
    public const string CreateTablesHint = "run `timedb create tables` (or `dotnet ef database update`)";

    /// <summary>What every answer says while the TimeDB tables are missing (the authentication mode is then unknown).</summary>
    public const string SchemaMissingDetail =
        "The TimeDB tables are missing: run `timedb create tables` on the server (add `--with-users` to require API keys), then retry.";

    /// <summary>
    /// The detail an HTTP answer (a 503/504 problem, a readiness result) gives for a classified failure: what
    /// is wrong and what to do, without the host, port, user or database name, which only the log carries.
    /// </summary>
    public static string AnswerDetail(DatabaseProblem problem) => problem switch
    {
        DatabaseProblem.SchemaMissing => SchemaMissingDetail,
        DatabaseProblem.Unreachable =>
            "Cannot reach PostgreSQL: it is down or restarting, or the server's connection string is wrong. Retry shortly; the server log has the cause.",
        DatabaseProblem.AuthenticationFailed =>
            "PostgreSQL refused the server's login: the operator must fix the user name or password in TIMEDB_DSN. The server log has the cause.",
        DatabaseProblem.DatabaseMissing =>
            "The database named in the server's connection string does not exist: the operator must create it or fix TIMEDB_DSN.",
        DatabaseProblem.SchemaConflict =>
            "The database holds a table that TimeDB did not create: the operator must use an empty database or remove that table.",
        DatabaseProblem.Busy =>
            "PostgreSQL is busy (no free connection): retry shortly.",
        DatabaseProblem.Timeout =>
            "Timed out waiting for PostgreSQL (it is busy or slow to answer): retry shortly.",
        DatabaseProblem.QueryTimeout =>
            "The query ran longer than the server's statement timeout and was stopped: narrow the request (a shorter time range, fewer series) and retry.",
        _ => "PostgreSQL cannot serve the request right now: retry shortly; the server log has the cause.",
    };

    /// <summary>Returns a <see cref="DatabaseUnavailableException"/> for failures of the database itself, else null.</summary>
    public static DatabaseUnavailableException? Classify(Exception exception, string? connectionString = null)
    {
        var where = connectionString is null ? "PostgreSQL" : $"PostgreSQL at {ConnectionDescription.Describe(connectionString)}";
        var chain = Chain(exception).ToList();
        if (chain.OfType<DatabaseUnavailableException>().FirstOrDefault() is { } known)
        {
            return known;
        }

        if (chain.OfType<PostgresException>().FirstOrDefault() is { } pg)
        {
            return pg.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    new(DatabaseProblem.AuthenticationFailed, $"{where} refused the login: {pg.MessageText} (check the user name and password)", pg),
                PostgresErrorCodes.InvalidCatalogName =>
                    new(DatabaseProblem.DatabaseMissing, $"{where}: {pg.MessageText} (create it, or point TIMEDB_DSN at an existing database)", pg),
                PostgresErrorCodes.UndefinedTable =>
                    new(DatabaseProblem.SchemaMissing, $"the TimeDB tables are missing ({pg.MessageText}): {CreateTablesHint}", pg),
                PostgresErrorCodes.DuplicateTable =>
                    new(DatabaseProblem.SchemaConflict, $"{pg.MessageText}, but it was not created by TimeDB's migrations: use an empty database or remove that table", pg),
                PostgresErrorCodes.QueryCanceled =>
                    new(DatabaseProblem.QueryTimeout, $"the query ran longer than the server's statement timeout and was stopped: narrow the request (a shorter time range, fewer series) and retry", pg),
                PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.ConfigurationLimitExceeded =>
                    new(DatabaseProblem.Busy, $"{where} has no free connection: {pg.MessageText}; retry shortly (or raise max_connections)", pg),
                PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow =>
                    new(DatabaseProblem.Unreachable, $"{where} is shutting down or starting up: {pg.MessageText}; try again shortly", pg),
                _ => null,
            };
        }

        if (chain.OfType<SocketException>().FirstOrDefault() is { } socket)
        {
            return new(DatabaseProblem.Unreachable, $"cannot reach {where}: {socket.Message}; check that PostgreSQL is running and the connection string is right", exception);
        }

        if (chain.OfType<TimeoutException>().Any())
        {
            return new(DatabaseProblem.Timeout, $"timed out talking to {where}", exception);
        }

        if (chain.OfType<NpgsqlException>().FirstOrDefault() is { } npgsql
            && (npgsql.IsTransient || npgsql.InnerException is IOException or EndOfStreamException))
        {
            return new(DatabaseProblem.Unreachable, $"lost the connection to {where}: {FirstLine(npgsql.Message)}; check that PostgreSQL is running, then retry", exception);
        }

        return null;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
