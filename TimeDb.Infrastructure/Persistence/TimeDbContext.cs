using Microsoft.EntityFrameworkCore;
using TimeDb.Domain.Entities;

namespace TimeDb.Infrastructure.Persistence;

/// <summary>
/// The EF Core model of TimeDB. Migrations own the schema; add one with
/// <c>dotnet tool run dotnet-ef migrations add NAME --project TimeDb.Infrastructure --startup-project TimeDb.Api --output-dir Persistence/Migrations</c>
/// and apply with <c>dotnet tool run dotnet-ef database update --project TimeDb.Infrastructure --startup-project TimeDb.Api</c>
/// (or <c>timedb create tables</c>).
/// </summary>
public sealed class TimeDbContext(DbContextOptions<TimeDbContext> options) : DbContext(options)
{
    public DbSet<Run> Runs => Set<Run>();
    public DbSet<Series> Series => Set<Series>();
    public DbSet<ValueVersion> Values => Set<ValueVersion>();
    public DbSet<User> Users => Set<User>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<TimeDbSetting> Settings => Set<TimeDbSetting>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TimeDbContext).Assembly);
        SnakeCaseNames.Apply(modelBuilder);
    }
}
