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
        try
        {
            await foreach (var (keyId, at) in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                // Not the stopping token: a write under way when the host stops finishes (it takes milliseconds).
                await WriteAsync(keyId, at, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: a normal end, not an error. StopAsync writes what is still queued.
        }
    }

    /// <summary>Stops the loop, then writes the usages still queued, within the host's shutdown timeout.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        try
        {
            while (_pending.Reader.TryRead(out var usage))
            {
                await WriteAsync(usage.KeyId, usage.At, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Shutdown timeout reached: {Count} key usage time(s) not recorded", _pending.Reader.Count + 1);
        }
    }

    private async Task WriteAsync(Guid keyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                "UPDATE api_keys SET last_used_at = @at WHERE key_id = @key_id AND (last_used_at IS NULL OR last_used_at < @at)");
            command.Parameters.AddWithValue("at", at);
            command.Parameters.AddWithValue("key_id", keyId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Losing a last_used_at update is harmless; the next use writes it again.
            _lastWritten.TryRemove(keyId, out _);
            logger.LogWarning("Could not record key usage: {Message}", ex.Message);
        }
    }
}
