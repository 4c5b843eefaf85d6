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
/// <item><c>Read Buffer Size=65536</c> instead of Npgsql's 8 kB: a 1M-row read refills the buffer 8 times less often,
/// and each refill re-arms the command timeout under a lock, which took a fifth of the API's CPU in a 1M-row Arrow
/// read (sampled with dotnet-trace); 64 kB per pooled connection.</item>
/// </list>
/// Behind a pooler in transaction mode that does not carry prepared statements (PgBouncer before 1.21,
/// <c>deploy/scale-out.sh</c>), the connection string says <c>Max Auto Prepare=0</c>.
/// </summary>
internal static class ConnectionPoolDefaults
{
    public const int MaxAutoPrepare = 64;

    public const int ReadBufferBytes = 64 * 1024;

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

        if (!Names(given, "Read Buffer Size"))
        {
            builder.ReadBufferSize = ReadBufferBytes;
        }
    }

    // Npgsql takes a keyword with or without its spaces, in any case.
    private static bool Names(DbConnectionStringBuilder given, string keyword) =>
        given.Keys.Cast<string>().Any(key => string.Equals(key.Replace(" ", "", StringComparison.Ordinal),
            keyword.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
}
