using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Users;

namespace TimeDb.Api.Hosting;

/// <summary>
/// Once the server listens: one warning when authentication is off and an address beyond loopback is bound,
/// since then anyone on the network reads and writes every tenant.
/// </summary>
internal sealed partial class OpenAccessWarning(IServer server, IAuthenticationMode mode, ILogger<OpenAccessWarning> logger) : IHostedLifecycleService
{
    // Runs after every hosted service started (Kestrel included, so its addresses are bound) and before "Application started".
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var open = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => !IsLoopback(a));
        if (open is null)
        {
            return;
        }

        try
        {
            if (await mode.GetAsync(cancellationToken) == AuthenticationMode.Off)
            {
                LogOpen(open);
            }
        }
        catch (Exception ex) when (ex is DatabaseUnavailableException or DbException or TimeoutException)
        {
            // The database is not reachable yet; /health/ready says so, and requests answer 503 until it is.
            LogModeUnknown(ex.Message);
        }
    }

    /// <summary>127.0.0.0/8, ::1 and localhost are loopback; 0.0.0.0, ::, *, + and any other name or address are not.</summary>
    internal static bool IsLoopback(string address)
    {
        var host = BindingAddress.Parse(address).Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "authentication is off and the API listens on {Address}: anyone who can reach it reads and writes every tenant; create the schema with `timedb create tables --with-users`")]
    private partial void LogOpen(string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not read the authentication mode at start: {Reason}")]
    private partial void LogModeUnknown(string reason);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
