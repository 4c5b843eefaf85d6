using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TimeDb.Infrastructure;
using TimeDb.Infrastructure.Configuration;

namespace TimeDb.Tests.Configuration;

/// <summary>The pool prepares frequent statements and skips DISCARD ALL, unless the connection string says otherwise (PgBouncer: ADR-011).</summary>
public sealed class ConnectionPoolDefaultsTests
{
    [TestCase("Host=db;Username=u", true, 64)]
    [TestCase("Host=db;Username=u;Max Auto Prepare=0;No Reset On Close=false", false, 0)]
    [TestCase("Host=db;Username=u;maxautoprepare=8", true, 8)]
    public void DataSource_TakesTheDefaults_OnlyWhereTheConnectionStringIsSilent(string connectionString, bool noResetOnClose, int maxAutoPrepare)
    {
        using var services = new ServiceCollection()
            .AddInfrastructure(_ => new ResolvedConnection(connectionString, "test"))
            .BuildServiceProvider();

        var used = new NpgsqlConnectionStringBuilder(services.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        Assert.Multiple(() =>
        {
            Assert.That(used.NoResetOnClose, Is.EqualTo(noResetOnClose));
            Assert.That(used.MaxAutoPrepare, Is.EqualTo(maxAutoPrepare));
        });
    }
}
