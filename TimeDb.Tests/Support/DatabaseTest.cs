namespace TimeDb.Tests.Support;

/// <summary>Base for tests against the shared application database: emptied before each test.</summary>
public abstract class DatabaseTest
{
    private ApiFactory? _factory;

    internal static string ConnectionString => TestEnvironment.AppConnectionString;

    internal ApiFactory Factory => _factory ??= new ApiFactory(ConnectionString);

    [SetUp]
    public async Task ResetDatabaseAsync() => await TestEnvironment.ResetAsync();

    [OneTimeTearDown]
    public async Task DisposeFactoryAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
