using Microsoft.Extensions.Caching.Memory;

namespace TimeDb.Infrastructure.Auth;

/// <summary>
/// A cached lookup that concurrent callers share: when the entry has expired, the first caller starts one
/// query and the others await it, instead of a burst of requests each taking a pooled connection for the
/// same answer (found by OverloadTests: 200 concurrent reads drained the pool of 100 on the auth-mode lookup).
/// </summary>
internal static class SharedLookup
{
    private static readonly Lock Gate = new();

    public static async Task<T> GetOrLoadAsync<T>(this IMemoryCache cache, string key, TimeSpan ttl, Func<Task<T>> load,
        CancellationToken cancellationToken)
    {
        Task<T>? task;
        lock (Gate)
        {
            if (!cache.TryGetValue(key, out task) || task is null)
            {
                // Not bound to this caller's token: the others awaiting it must not fail when this one leaves.
                task = load();
                cache.Set(key, task, ttl);
            }
        }

        try
        {
            return await task.WaitAsync(cancellationToken);
        }
        catch when (task.IsFaulted || task.IsCanceled)
        {
            // A failed lookup is not remembered: the next caller tries again.
            lock (Gate)
            {
                if (cache.TryGetValue(key, out Task<T>? current) && ReferenceEquals(current, task))
                {
                    cache.Remove(key);
                }
            }

            throw;
        }
    }
}
