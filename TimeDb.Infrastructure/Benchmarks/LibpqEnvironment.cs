using Npgsql;

namespace TimeDb.Infrastructure.Benchmarks;

/// <summary>
/// The libpq environment (<c>PGHOST</c>, <c>PGPASSWORD</c>, …) that connects psql and pgbench where an Npgsql
/// connection string points: the benchmark's tools get the connection through their environment, never on a
/// command line that <c>ps</c> shows.
/// </summary>
public static class LibpqEnvironment
{
    public static IReadOnlyDictionary<string, string> From(string connectionString)
    {
        var npgsql = new NpgsqlConnectionStringBuilder(connectionString);
        var options = string.Join(' ', new[]
        {
            npgsql.Options,
            string.IsNullOrWhiteSpace(npgsql.SearchPath) ? null : $"-c search_path={npgsql.SearchPath.Replace(" ", "", StringComparison.Ordinal)}",
        }.Where(o => !string.IsNullOrWhiteSpace(o)));
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PGHOST"] = npgsql.Host,
            ["PGPORT"] = npgsql.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGDATABASE"] = npgsql.Database,
            ["PGUSER"] = npgsql.Username,
            ["PGPASSWORD"] = npgsql.Password,
            ["PGPASSFILE"] = npgsql.Passfile,
            ["PGSSLMODE"] = SslMode(npgsql.SslMode),
            ["PGSSLROOTCERT"] = npgsql.RootCertificate,
            ["PGSSLCERT"] = npgsql.SslCertificate,
            ["PGSSLKEY"] = npgsql.SslKey,
            ["PGCONNECT_TIMEOUT"] = npgsql.Timeout.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGOPTIONS"] = options,
            ["PGAPPNAME"] = "timedb-bench",
        };
        return variables.Where(v => !string.IsNullOrEmpty(v.Value)).ToDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal);
    }

    private static string? SslMode(Npgsql.SslMode mode) => mode switch
    {
        Npgsql.SslMode.Disable => "disable",
        Npgsql.SslMode.Allow => "allow",
        Npgsql.SslMode.Prefer => "prefer",
        Npgsql.SslMode.Require => "require",
        Npgsql.SslMode.VerifyCA => "verify-ca",
        Npgsql.SslMode.VerifyFull => "verify-full",
        _ => null,
    };
}
