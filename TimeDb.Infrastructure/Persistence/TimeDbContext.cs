using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
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
/// Tenant isolation, first two layers (ADR-006, ADR-012-tenancy-context): a named query filter on every
/// tenant-owned entity, keyed on this instance's tenant context (a parameter, not a constant in the cached
/// model), and a SaveChanges guard that stamps tenant_id on inserts and refuses writes to another tenant's
/// rows. Both read <see cref="ITenantContext"/>: without a scope they throw, so nothing is ever unfiltered by default.
/// </remarks>
public sealed class TimeDbContext(DbContextOptions<TimeDbContext> options, ITenantContext tenant) : DbContext(options)
{
    public const string TenantFilter = "tenant";

    public DbSet<Run> Runs => Set<Run>();
    public DbSet<Series> Series => Set<Series>();
    public DbSet<ValueVersion> Values => Set<ValueVersion>();
    public DbSet<User> Users => Set<User>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<TimeDbSetting> Settings => Set<TimeDbSetting>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<RateLimitWindow> RateLimitWindows => Set<RateLimitWindow>();

    /// <summary>The one tenant in scope, or null when the scope is explicitly every tenant; throws when no scope was set.</summary>
    internal Guid? CurrentTenantId => tenant.Scope.TenantId;

    /// <summary>
    /// Which of the two models this instance uses (<see cref="TenantModelCacheKeyFactory"/>): the all-tenants
    /// model has no tenant filter and is used only when the scope says every tenant; any other context,
    /// including one whose scope is not set yet, gets the filtered model, whose filter throws without a scope.
    /// </summary>
    internal bool UsesAllTenantsModel => tenant.IsSet && tenant.Scope is TenantScope.AllTenants;

    /// <summary>The filter's parameter: the scope's one tenant (a plain equality, so the tenant-leading indexes are used).</summary>
    private Guid FilterTenantId => CurrentTenantId
        ?? throw new InvalidOperationException("the tenant-filtered model was chosen for a context whose scope is every tenant; state the scope before using the DbContext");

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        optionsBuilder.ReplaceService<IModelCacheKeyFactory, TenantModelCacheKeyFactory>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TimeDbContext).Assembly);
        if (!UsesAllTenantsModel)
        {
            FilterByTenant<Run>(modelBuilder);
            FilterByTenant<Series>(modelBuilder);
            FilterByTenant<ValueVersion>(modelBuilder);
            FilterByTenant<User>(modelBuilder);
            FilterByTenant<ApiKey>(modelBuilder);
        }

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
        // One tenant only: an `@t IS NULL OR …` filter would come out as `@p OR tenant_id = @t` (EF Core 10
        // makes the null test a parameter) and hide the index from the planner; every tenant has its own model.
        Expression<Func<T, bool>> filter = e => e.TenantId == FilterTenantId;
        modelBuilder.Entity<T>().HasQueryFilter(TenantFilter, filter);
    }

    private void GuardTenantWrites()
    {
        var entries = ChangeTracker.Entries<ITenantOwned>().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList();
        if (entries.Count == 0)
        {
            return;
        }

        // Writes of tenant data need a scope like reads do; every tenant (the CLI operator, single-user
        // mode) writes what the entity says, one tenant stamps and guards.
        if (CurrentTenantId is not { } scoped)
        {
            foreach (var entry in entries)
            {
                if (entry.State == EntityState.Modified && entry.Property(e => e.TenantId).IsModified)
                {
                    throw new ForbiddenException("tenant_id cannot be changed");
                }
            }

            return;
        }

        foreach (var entry in entries)
        {
            switch (entry.State)
            {
                case EntityState.Added when entry.Entity.TenantId == Guid.Empty:
                    entry.Entity.TenantId = scoped;
                    break;
                case EntityState.Added or EntityState.Modified or EntityState.Deleted when entry.Entity.TenantId != scoped:
                    throw new ForbiddenException("this change touches another tenant's data");
                case EntityState.Modified when entry.Property(e => e.TenantId).IsModified:
                    throw new ForbiddenException("tenant_id cannot be changed");
            }
        }
    }
}
