using System.Data.Common;
using Npgsql;

namespace TimeDb.Infrastructure.Configuration;

/// <summary>
/// How the pool treats a connection unless the connection string says otherwise (ADR-003; issue 14, where these
/// two cut the database's work per small read by two thirds):
/// <list type="bullet">
/// <item><c>No Reset On Close=true</c>: no <c>DISCARD ALL</c> each time a connection goes back to the pool. TimeDB
/// keeps no session state on a connection (no <c>SET</c> but <c>SET LOCAL</c>, only transaction-scoped advisory
/// locks, no <c>LISTEN</c>, no temporary tables), so there is nothing to reset.</item>
/// <item><c>Max Auto Prepare=64</c>: a statement run 5 times on a connection (Npgsql's <c>Auto Prepare Min Usages</c>)
/// becomes a server-side prepared statement, parsed and analysed once instead of at every request.</item>
/// </list>
/// Behind a pooler in transaction mode that does not carry prepared statements (PgBouncer before 1.21,
/// <c>deploy/scale-out.sh</c>), the connection string says <c>Max Auto Prepare=0</c>.
/// </summary>
internal static class ConnectionPoolDefaults
{
    public const int MaxAutoPrepare = 64;

    public static void Apply(NpgsqlConnectionStringBuilder builder, string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!Names(given, "No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        if (!Names(given, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }
    }

    // Npgsql takes a keyword with or without its spaces, in any case.
    private static bool Names(DbConnectionStringBuilder given, string keyword) =>
        given.Keys.Cast<string>().Any(key => string.Equals(key.Replace(" ", "", StringComparison.Ordinal),
            keyword.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
}
