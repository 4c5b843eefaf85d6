using System.CommandLine;
using TimeDb.Cli.Commands;
using TimeDb.Domain.Errors;
using TimeDb.Infrastructure.Configuration;
using TimeDb.Infrastructure.Errors;

namespace TimeDb.Cli;

/// <summary>
/// The <c>timedb</c> command line. Exit codes: 0 success, 1 error (one line <c>error: …</c>), 2 usage error.
/// No stack traces reach the user.
/// </summary>
public static class TimeDbCli
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        var root = new RootCommand("TimeDB: versioned time-series store. Schema, users, keys and the API server.")
        {
            SchemaCommands.Create(console),
            SchemaCommands.Delete(console),
            ApiCommand.Create(console),
            HealthCommand.Create(console),
            UserCommands.Create(console),
            KeyCommands.Create(console),
            Bench.BenchCommand.Create(console),
        };

        // Bare `timedb` is a request for orientation, not a mistake: the help, exit 0 (ADR newuser-cli-messages).
        var parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (UsageErrors.UnknownCommand(parsed) is { } unknown)
        {
            await console.Error.WriteLineAsync($"error: {unknown}");
            return ExitCodes.Usage;
        }

        if (parsed.Errors.Count > 0)
        {
            foreach (var message in UsageErrors.Describe(parsed))
            {
                await console.Error.WriteLineAsync($"error: {message}");
            }

            await console.Error.WriteLineAsync("Run 'timedb --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
                // The API host handles Ctrl-C itself and shuts down gracefully.
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (Exception ex) when (Describe(ex) is { } message)
        {
            await console.Error.WriteLineAsync($"error: {message}");
            return ExitCodes.Error;
        }
    }

    private static string? Describe(Exception exception) => exception switch
    {
        CliException or ConnectionStringException or DomainException or DatabaseUnavailableException => exception.Message,
        OperationCanceledException => "cancelled",
        _ => DatabaseErrors.Classify(exception)?.Message ?? $"unexpected failure ({exception.GetType().Name}): {exception.Message.Split('\n')[0]}",
    };
}
