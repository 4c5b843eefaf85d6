namespace TimeDb.Tests.Support;

/// <summary>A fresh empty database for one test (schema commands need their own).</summary>
internal sealed class TemporaryDatabase : IAsyncDisposable
{
    private TemporaryDatabase(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static async Task<TemporaryDatabase> CreateAsync() =>
        new(await TestEnvironment.Server.CreateDatabaseAsync("timedb_tmp"));

    public async ValueTask DisposeAsync() => await TestEnvironment.Server.DropDatabaseAsync(ConnectionString);
}
