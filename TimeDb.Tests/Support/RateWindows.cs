namespace TimeDb.Tests.Support;

/// <summary>Rate-limit windows are whole minutes of the database's clock (ADR-011).</summary>
internal static class RateWindows
{
    /// <summary>
    /// Waits, if needed, until the current window has at least 20 s left, so that a test counting requests
    /// against a limit is not split across two windows.
    /// </summary>
    public static async Task WaitForFreshWindowAsync(string dsn)
    {
        var second = await Sql.ScalarAsync<double>(dsn, "SELECT extract(second FROM now())::float8");
        if (second > 40)
        {
            await Task.Delay(TimeSpan.FromSeconds(60.5 - second));
        }
    }
}
