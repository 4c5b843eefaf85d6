using TimeDb.Cli;

namespace TimeDb.Tests.Support;

internal sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs <c>timedb</c> in this process (fast) or as a real process (exit codes and streams as a user sees them).</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(string[] args, string? input = null, bool interactive = false)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input ?? "");
        var code = await TimeDbCli.RunAsync(args, new CliConsole(output, error, reader, interactive));
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public static async Task<ProcessResult> RunProcessAsync(string[] args, IDictionary<string, string?>? environment = null,
        string? workingDirectory = null, TimeSpan? timeout = null) =>
        await ProcessRunner.RunAsync("dotnet", [RepositoryPaths.Assembly("timedb.dll"), .. args], environment, workingDirectory, timeout);
}
