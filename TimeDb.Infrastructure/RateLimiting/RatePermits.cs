using Microsoft.Extensions.Caching.Memory;
using TimeDb.Domain.Tenancy;

namespace TimeDb.Infrastructure.RateLimiting;

/// <summary>May the request go on, and if not, in how many seconds the user's window ends.</summary>
public readonly record struct RateDecision(bool Allowed, int RetryAfterSeconds);

/// <summary>
/// This instance's share of each limited user's window (ADR-024): permits are reserved from the shared count in
/// PostgreSQL (<see cref="RateWindowCounter"/>) in chunks of about one second of the user's limit, and spent here
/// without a query. The database never grants more than the limit in a window, whichever instances ask, so the
/// limit holds across instances; a chunk left unspent when the window ends is lost, so a user spread over several
/// instances may be refused up to one such chunk per instance early. A limit under 120 a minute gets chunks of
/// one: every request is counted in the database, as before (ADR-011). A used-up window is remembered until it ends:
/// a flood of refused requests costs no queries.
/// </summary>
public sealed class RatePermits(RateWindowCounter counter, IMemoryCache cache, TimeProvider time)
{
    /// <summary>Takes one permit of the user's current window under <paramref name="perMinute"/>.</summary>
    public async ValueTask<RateDecision> TakeAsync(ITenantContext tenant, Guid userId, int perMinute, CancellationToken cancellationToken)
    {
        // The limit is part of the key: after a tier change the old share (or refusal) no longer applies.
        var share = cache.GetOrCreate((typeof(RatePermits), userId, perMinute), entry =>
        {
            entry.SlidingExpiration = TimeSpan.FromMinutes(2);
            return new Share();
        })!;

        if (share.TryTake(time.GetUtcNow()) is { } local)
        {
            return local;
        }

        // One reservation at a time per user: the requests that wait for it usually find permits when it is done.
        await share.Refill.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (share.TryTake(now) is { } refilled)
            {
                return refilled;
            }

            var grant = await counter.ReserveAsync(tenant, userId, share.ChunkFor(perMinute, now), perMinute, cancellationToken);
            return share.Keep(grant, now);
        }
        finally
        {
            share.Refill.Release();
        }
    }

    private sealed class Share
    {
        private readonly Lock _gate = new();
        private int _left;
        private int _requests;
        private bool _usedUp;
        private DateTimeOffset _windowEnd = DateTimeOffset.MinValue;

        public SemaphoreSlim Refill { get; } = new(1, 1);

        /// <summary>A decision without the database: a permit kept from the current window, or its refusal; null when a reservation is needed.</summary>
        public RateDecision? TryTake(DateTimeOffset now)
        {
            lock (_gate)
            {
                if (now >= _windowEnd)
                {
                    return null;
                }

                if (_left > 0)
                {
                    _left--;
                    return new RateDecision(true, 0);
                }

                return _usedUp ? Refusal(now) : null;
            }
        }

        /// <summary>About a second of the limit, and at most a quarter of what is left, so the last permits go out one by one.</summary>
        public int ChunkFor(int perMinute, DateTimeOffset now)
        {
            lock (_gate)
            {
                var counted = now < _windowEnd ? _requests : 0;
                return Math.Max(1, Math.Min(perMinute / 60, (perMinute - counted) / 4));
            }
        }

        public RateDecision Keep(RateWindowGrant grant, DateTimeOffset now)
        {
            lock (_gate)
            {
                // Milliseconds, rounded down: a permit of this window is never spent in the next one.
                _windowEnd = now.AddMilliseconds(Math.Floor(grant.SecondsLeft * 1000));
                _requests = grant.Requests;
                _usedUp = grant.Granted == 0;
                _left = Math.Max(0, grant.Granted - 1);
                return _usedUp ? Refusal(now) : new RateDecision(true, 0);
            }
        }

        private RateDecision Refusal(DateTimeOffset now) =>
            new(false, Math.Max(1, (int)Math.Ceiling((_windowEnd - now).TotalSeconds)));
    }
}
