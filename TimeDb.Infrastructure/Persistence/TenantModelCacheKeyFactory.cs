using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace TimeDb.Infrastructure.Persistence;

/// <summary>
/// Two cached models of <see cref="TimeDbContext"/>: with the tenant filter (one tenant, or no scope yet: the
/// filter then throws) and without it (the explicit all-tenants scope). So the SQL of one tenant is a plain
/// <c>tenant_id = @p</c> and that of every tenant has no predicate, and neither is an <c>OR</c> of both.
/// </summary>
internal sealed class TenantModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        (context.GetType(), context is TimeDbContext { UsesAllTenantsModel: true }, designTime);
}
