using System.CommandLine;

namespace TimeDb.Cli;

internal static class CommonOptions
{
    public static Option<string?> Dsn() => new("--dsn", "-d")
    {
        Description = "PostgreSQL connection (postgresql://… URI or Npgsql keywords); default: TIMEDB_DSN, DATABASE_URL, .env",
    };

    public static Option<bool> Yes() => new("--yes", "-y") { Description = "Do not ask for confirmation" };

    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON" };
}
