namespace TimeDb.Infrastructure.Configuration;

/// <summary>
/// PostgreSQL <c>statement_timeout</c> of the API's connections; 0 is no limit (the CLI's default, so that
/// schema changes on big tables are never cut short). The API sets them from <c>TimeDb:Limits</c>.
/// </summary>
public sealed class DatabaseTimeouts
{
    /// <summary>Every statement of a connection (reads, updates, listings).</summary>
    public int StatementTimeoutSeconds { get; set; }

    /// <summary>The statements of an upload's transaction (a big COPY takes longer than a read).</summary>
    public int UploadStatementTimeoutSeconds { get; set; }
}
