using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TimeDb.Infrastructure;
using TimeDb.Infrastructure.Configuration;

namespace TimeDb.Tests.Configuration;

/// <summary>The pool prepares frequent statements, skips DISCARD ALL and reads 64 kB at a time, unless the connection string says otherwise (PgBouncer: ADR-011).</summary>
public sealed class ConnectionPoolDefaultsTests
{
    [TestCase("Host=db;Username=u", true, 64, 65536)]
    [TestCase("Host=db;Username=u;Max Auto Prepare=0;No Reset On Close=false;Read Buffer Size=8192", false, 0, 8192)]
    [TestCase("Host=db;Username=u;maxautoprepare=8", true, 8, 65536)]
    public void DataSource_TakesTheDefaults_OnlyWhereTheConnectionStringIsSilent(string connectionString, bool noResetOnClose, int maxAutoPrepare, int readBufferSize)
    {
        using var services = new ServiceCollection()
            .AddInfrastructure(_ => new ResolvedConnection(connectionString, "test"))
            .BuildServiceProvider();

        var used = new NpgsqlConnectionStringBuilder(services.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        Assert.Multiple(() =>
        {
            Assert.That(used.NoResetOnClose, Is.EqualTo(noResetOnClose));
            Assert.That(used.MaxAutoPrepare, Is.EqualTo(maxAutoPrepare));
            Assert.That(used.ReadBufferSize, Is.EqualTo(readBufferSize));
        });
    }
}
