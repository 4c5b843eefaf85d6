using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TimeDb.Infrastructure.Auth;

/// <summary>
/// Keeps api_keys.last_used_at without a database write per request: at most one write per key per
/// minute, done in the background.
/// </summary>
public sealed class KeyUsageRecorder(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<KeyUsageRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastWritten = new();
    private readonly Channel<(Guid KeyId, DateTimeOffset At)> _pending =
        Channel.CreateBounded<(Guid, DateTimeOffset)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Record(Guid keyId)
    {
        var now = clock.GetUtcNow();
        var claimed = _lastWritten.TryGetValue(keyId, out var last)
            ? now - last >= Interval && _lastWritten.TryUpdate(keyId, now, last)
            : _lastWritten.TryAdd(keyId, now);
        if (claimed)
        {
            _pending.Writer.TryWrite((keyId, now));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (keyId, at) in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var command = dataSource.CreateCommand(
                    "UPDATE api_keys SET last_used_at = @at WHERE key_id = @key_id AND (last_used_at IS NULL OR last_used_at < @at)");
                command.Parameters.AddWithValue("at", at);
                command.Parameters.AddWithValue("key_id", keyId);
                await command.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // Losing a last_used_at update is harmless; the next use writes it again.
                _lastWritten.TryRemove(keyId, out _);
                logger.LogWarning("Could not record key usage: {Message}", ex.Message);
            }
        }
    }
}
