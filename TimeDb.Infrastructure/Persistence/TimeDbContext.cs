using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Tenancy;

namespace TimeDb.Infrastructure.Persistence;

/// <summary>
/// The EF Core model of TimeDB. Migrations own the schema; add one with
/// <c>dotnet tool run dotnet-ef migrations add NAME --project TimeDb.Infrastructure --startup-project TimeDb.Api --output-dir Persistence/Migrations</c>
/// and apply with <c>dotnet tool run dotnet-ef database update --project TimeDb.Infrastructure --startup-project TimeDb.Api</c>
/// (or <c>timedb create tables</c>).
/// </summary>
/// <remarks>
/// Tenant isolation, first two layers (ADR-006): a named query filter on every tenant-owned entity,
/// keyed on this instance's caller (a parameter, not a constant in the cached model), and a
/// SaveChanges guard that stamps tenant_id on inserts and refuses writes to another tenant's rows.
/// </remarks>
public sealed class TimeDbContext(DbContextOptions<TimeDbContext> options, ICurrentTenant caller) : DbContext(options)
{
    public const string TenantFilter = "tenant";

    public TimeDbContext(DbContextOptions<TimeDbContext> options) : this(options, new NoTenant())
    {
    }

    public DbSet<Run> Runs => Set<Run>();
    public DbSet<Series> Series => Set<Series>();
    public DbSet<ValueVersion> Values => Set<ValueVersion>();
    public DbSet<User> Users => Set<User>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<TimeDbSetting> Settings => Set<TimeDbSetting>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<RateLimitWindow> RateLimitWindows => Set<RateLimitWindow>();

    /// <summary>The authenticated caller's tenant; null (no filter) for the CLI and single-user mode.</summary>
    internal Guid? CurrentTenantId => caller.IsAuthenticated ? caller.TenantId : null;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TimeDbContext).Assembly);
        FilterByTenant<Run>(modelBuilder);
        FilterByTenant<Series>(modelBuilder);
        FilterByTenant<ValueVersion>(modelBuilder);
        FilterByTenant<User>(modelBuilder);
        FilterByTenant<ApiKey>(modelBuilder);
        SnakeCaseNames.Apply(modelBuilder);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardTenantWrites();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardTenantWrites();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void FilterByTenant<T>(ModelBuilder modelBuilder) where T : class, ITenantOwned
    {
        Expression<Func<T, bool>> filter = e => CurrentTenantId == null || e.TenantId == CurrentTenantId;
        modelBuilder.Entity<T>().HasQueryFilter(TenantFilter, filter);
    }

    private void GuardTenantWrites()
    {
        if (CurrentTenantId is not { } tenant)
        {
            return;
        }

        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            switch (entry.State)
            {
                case EntityState.Added when entry.Entity.TenantId == Guid.Empty:
                    entry.Entity.TenantId = tenant;
                    break;
                case EntityState.Added or EntityState.Modified or EntityState.Deleted when entry.Entity.TenantId != tenant:
                    throw new ForbiddenException("this change touches another tenant's data");
                case EntityState.Modified when entry.Property(e => e.TenantId).IsModified:
                    throw new ForbiddenException("tenant_id cannot be changed");
            }
        }
    }
}
