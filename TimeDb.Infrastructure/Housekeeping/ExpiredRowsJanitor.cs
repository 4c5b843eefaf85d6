using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TimeDb.Infrastructure.Runs;

namespace TimeDb.Infrastructure.Housekeeping;

/// <summary>
/// Every minute, deletes rows that no longer mean anything: rate-limit windows that have ended and
/// expired idempotency keys (an expired key is also ignored when it is claimed again). Every instance
/// runs it; the deletes are idempotent.
/// </summary>
public sealed class ExpiredRowsJanitor(NpgsqlDataSource dataSource, IOptions<IdempotencyOptions> options, ILogger<ExpiredRowsJanitor> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private const string DeleteExpired = """
        DELETE FROM rate_limit_windows WHERE window_start < now() - interval '2 minutes';
        DELETE FROM idempotency_keys WHERE created_at < now() - @retention;
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var command = dataSource.CreateCommand(DeleteExpired);
                command.Parameters.AddWithValue("retention", options.Value.Retention);
                await command.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The database may be away; the next tick tries again.
                logger.LogWarning("Could not delete expired rows: {Message}", ex.Message);
            }
        }
    }
}
