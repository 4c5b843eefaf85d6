using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TimeDb.Domain.Tenancy;
using TimeDb.Infrastructure.Configuration;
using TimeDb.Infrastructure.Tenancy;

namespace TimeDb.Infrastructure.Persistence;

/// <summary>
/// Used by <c>dotnet ef</c>: the connection comes from TIMEDB_DSN, DATABASE_URL or .env like everywhere
/// else. Without one, a placeholder lets <c>migrations add</c> work; <c>database update</c> then needs a DSN.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<TimeDbContext>
{
    public TimeDbContext CreateDbContext(string[] args)
    {
        var connection = ConnectionStringResolver.TryResolve(null, Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
        var options = new DbContextOptionsBuilder<TimeDbContext>()
            .UseNpgsql(connection?.ConnectionString ?? "Host=localhost;Database=timedb")
            .Options;
        // `dotnet ef` is the operator, like the CLI: it states every tenant explicitly (it only migrates).
        return new TimeDbContext(options, TenantContext.For(TenantScope.All));
    }
}
