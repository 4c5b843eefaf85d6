using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using TimeDb.Domain.Runs;
using TimeDb.Domain.Schema;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Auth;
using TimeDb.Domain.Series;
using TimeDb.Domain.Values;
using TimeDb.Infrastructure.Configuration;
using TimeDb.Infrastructure.Housekeeping;
using TimeDb.Infrastructure.Runs;
using TimeDb.Infrastructure.Values;
using TimeDb.Infrastructure.Persistence;
using TimeDb.Infrastructure.Schema;
using TimeDb.Infrastructure.Users;

namespace TimeDb.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the database (one pooled <see cref="NpgsqlDataSource"/>), the DbContext and the services
    /// over it. The connection is resolved when first needed, so hosts can decide where it comes from.
    /// </summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, Func<IServiceProvider, ResolvedConnection> connection)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<ICurrentTenant, NoTenant>();
        // The one source of the tenant scope (ADR-012-tenancy-context): unset in every new scope until the host states it.
        services.AddScoped<Tenancy.TenantContext>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<Tenancy.TenantContext>());
        services.AddMemoryCache();
        services.AddOptions<AuthCacheOptions>();
        services.AddSingleton<IApiKeyStore, ApiKeyStore>();
        services.AddSingleton<IAuthenticationMode, AuthenticationModeLookup>();
        services.AddSingleton(connection);
        services.AddOptions<DatabaseTimeouts>();
        services.AddSingleton(sp => BuildDataSource(sp.GetRequiredService<ResolvedConnection>(), sp.GetRequiredService<IOptions<DatabaseTimeouts>>().Value));
        services.AddDbContext<TimeDbContext>((sp, options) => options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<RateLimiting.RateWindowCounter>();
        services.AddSingleton<RateLimiting.RatePermits>();
        // TimeDb:Idempotency from the host's configuration when it has one (the API); the CLI's bare provider keeps the defaults.
        services.AddOptions<IdempotencyOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(IdempotencyOptions.Section).Bind(o));
        // Runs in hosts that start hosted services (the API); the CLI never starts it.
        services.AddHostedService<ExpiredRowsJanitor>();
        services.AddScoped<SchemaManager>();
        services.AddScoped<ISchemaAdministration>(sp => sp.GetRequiredService<SchemaManager>());
        services.AddScoped<UserAdministration>();
        services.AddScoped<IKeyAdministration>(sp => sp.GetRequiredService<UserAdministration>());
        services.AddScoped<IRunIngestion, RunIngestion>();
        services.AddScoped<IRunCatalog, RunCatalog>();
        services.AddScoped<IValueReader, ValueReader>();
        services.AddScoped<IValueUpdater, ValueUpdater>();
        services.AddScoped<ISeriesCatalog, SeriesCatalog.SeriesCatalog>();
        return services;
    }

    private static NpgsqlDataSource BuildDataSource(ResolvedConnection connection, DatabaseTimeouts timeouts)
    {
        var builder = new NpgsqlDataSourceBuilder(connection.ConnectionString);
        ConnectionPoolDefaults.Apply(builder.ConnectionStringBuilder, connection.ConnectionString);
        // A startup option, so it is the session default: a SET would be undone by the DISCARD ALL with
        // which Npgsql resets a pooled connection when the connection string turns No Reset On Close off. Sent even when 0, so that a role default meant for the API
        // (the PgBouncer setup, deploy/README.md) never cuts the CLI's schema changes short. PgBouncer
        // ignores startup options; behind it the role's default applies.
        var options = builder.ConnectionStringBuilder.Options;
        builder.ConnectionStringBuilder.Options =
            $"{options} -c statement_timeout={timeouts.StatementTimeoutSeconds * 1000}".Trim();
        if (timeouts.StatementTimeoutSeconds > 0)
        {
            // Npgsql's own timeout (30 s by default) would fire first, as a broken connection: keep it behind the server's.
            builder.ConnectionStringBuilder.CommandTimeout = Math.Max(timeouts.StatementTimeoutSeconds, timeouts.UploadStatementTimeoutSeconds) + 10;
        }

        return builder.Build();
    }
}
