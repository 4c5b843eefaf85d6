using Microsoft.Extensions.DependencyInjection;
using TimeDb.Domain.Tenancy;
using TimeDb.Infrastructure;
using TimeDb.Infrastructure.Configuration;

namespace TimeDb.Cli;

/// <summary>The Infrastructure services for one CLI command, against one database.</summary>
internal sealed class CliServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly AsyncServiceScope _scope;

    private CliServices(ResolvedConnection connection)
    {
        Connection = connection;
        _provider = new ServiceCollection().AddInfrastructure(_ => connection).BuildServiceProvider();
        _scope = _provider.CreateAsyncScope();
        // The CLI is the operator: its commands administer users and keys of every tenant (each narrows by
        // --tenant-id where it takes one), so it states the all-tenants scope explicitly (ADR-012-tenancy-context).
        Get<ITenantContext>().SetScope(TenantScope.All);
    }

    public ResolvedConnection Connection { get; }

    public string Target => ConnectionDescription.Describe(Connection.ConnectionString);

    public static CliServices For(string? dsn) => new(ConnectionStringResolver.Resolve(dsn));

    public static CliServices For(ResolvedConnection connection) => new(connection);

    public T Get<T>() where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>A service that only one command needs (benchmark code): built from the registered ones, never registered in the server.</summary>
    public T Create<T>() where T : notnull => ActivatorUtilities.CreateInstance<T>(_scope.ServiceProvider);

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _provider.DisposeAsync();
    }
}
