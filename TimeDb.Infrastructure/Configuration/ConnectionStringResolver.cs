namespace TimeDb.Infrastructure.Configuration;

/// <summary>Where the connection string came from, and the Npgsql form of it.</summary>
public sealed record ResolvedConnection(string ConnectionString, string Source);

/// <summary>
/// Finds the connection string, in order: an explicit value (the CLI's <c>--dsn</c>), <c>TIMEDB_DSN</c>,
/// <c>DATABASE_URL</c>. A <c>.env</c> file in the working directory fills in variables that are not
/// already set, as python-dotenv does: it never overrides the environment.
/// </summary>
public static class ConnectionStringResolver
{
    public const string TimeDbDsn = "TIMEDB_DSN";
    public const string DatabaseUrl = "DATABASE_URL";

    public const string MissingMessage =
        "no database configured: set TIMEDB_DSN or DATABASE_URL (a .env file in the working directory also works)";

    /// <summary>Resolves the connection, or returns null when none is configured anywhere.</summary>
    public static ResolvedConnection? TryResolve(string? explicitDsn, Func<string, string?> lookup, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (!string.IsNullOrWhiteSpace(explicitDsn))
        {
            return new ResolvedConnection(PostgresUri.ToNpgsql(explicitDsn), "--dsn");
        }

        IReadOnlyDictionary<string, string>? dotEnv = null;
        foreach (var name in (string[])[TimeDbDsn, DatabaseUrl])
        {
            var value = lookup(name);
            var source = name;
            if (string.IsNullOrWhiteSpace(value))
            {
                dotEnv ??= DotEnvFile.Read(workingDirectory);
                value = dotEnv.GetValueOrDefault(name);
                source = $"{name} from {DotEnvFile.FileName}";
            }

            if (!string.IsNullOrWhiteSpace(value))
            {
                try
                {
                    return new ResolvedConnection(PostgresUri.ToNpgsql(value), source);
                }
                catch (ConnectionStringException ex)
                {
                    // One line, none of the value's text (SPEC §9): where it came from and what to fix.
                    throw new ConnectionStringException($"{source}: {ex.Message}; fix {TimeDbDsn} or {DatabaseUrl}");
                }
            }
        }

        return null;
    }

    public static ResolvedConnection Resolve(string? explicitDsn, Func<string, string?> lookup, string workingDirectory) =>
        TryResolve(explicitDsn, lookup, workingDirectory) ?? throw new ConnectionStringException(MissingMessage);

    /// <summary>The usual resolution for a process: its environment and its working directory.</summary>
    public static ResolvedConnection Resolve(string? explicitDsn = null) =>
        Resolve(explicitDsn, Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
}
