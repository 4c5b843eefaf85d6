using Npgsql;

namespace TimeDb.Infrastructure.Configuration;

/// <summary>A password-free description of a connection string for messages: <c>user@host:port/db</c>.</summary>
public static class ConnectionDescription
{
    public static string Describe(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            var user = string.IsNullOrEmpty(b.Username) ? "" : b.Username + "@";
            return $"{user}{b.Host}:{b.Port}/{b.Database}";
        }
        catch (ArgumentException)
        {
            return "(unreadable connection string)";
        }
    }
}
