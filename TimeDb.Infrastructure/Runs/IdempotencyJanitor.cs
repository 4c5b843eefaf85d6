using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TimeDb.Infrastructure.Runs;

/// <summary>Deletes expired idempotency keys every 10 minutes (an expired key is also ignored when it is claimed again).</summary>
public sealed class IdempotencyJanitor(NpgsqlDataSource dataSource, IOptions<IdempotencyOptions> options, ILogger<IdempotencyJanitor> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var command = dataSource.CreateCommand("DELETE FROM idempotency_keys WHERE created_at < now() - @retention");
                command.Parameters.AddWithValue("retention", options.Value.Retention);
                await command.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The database may be away; the next tick tries again.
                logger.LogWarning("Could not delete expired idempotency keys: {Message}", ex.Message);
            }
        }
    }
}
