using System.CommandLine;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using TimeDb.Api.Hosting;

namespace TimeDb.Cli.Commands;

/// <summary><c>timedb api</c>: runs the API host in this process (or under <c>dotnet watch</c> with --reload).</summary>
internal static class ApiCommand
{
    public static Command Create(CliConsole console)
    {
        var host = new Option<string>("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var port = CommonOptions.Integer("--port", "Port to listen on", 8000, min: 1, max: 65535);
        var reload = new Option<bool>("--reload") { Description = "Restart on source changes (dotnet watch; needs a source checkout)" };
        var dsn = CommonOptions.Dsn();

        var command = new Command("api", "Run the TimeDB API server") { host, port, reload, dsn };
        command.SetAction(async (parsed, ct) =>
        {
            var url = Url(parsed.GetValue(host)!, parsed.GetValue(port));
            var explicitDsn = parsed.GetValue(dsn);
            if (parsed.GetValue(reload))
            {
                return await RunWatchedAsync(console, url, explicitDsn, ct);
            }

            await console.Out.WriteLineAsync($"TimeDB API on {url} (docs: {url}/docs)");
            return await TimeDbApi.RunAsync(["--urls", url], builder =>
            {
                if (!string.IsNullOrWhiteSpace(explicitDsn))
                {
                    builder.Configuration.AddInMemoryCollection([new(TimeDbApi.DsnSetting, explicitDsn)]);
                }
            });
        });
        return command;
    }

    private static string Url(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"http://[{host}]:{port}" : $"http://{host}:{port}";

    private static async Task<int> RunWatchedAsync(CliConsole console, string url, string? dsn, CancellationToken ct)
    {
        var project = FindApiProject(Environment.CurrentDirectory)
            ?? throw new CliException("--reload watches the source and needs a TimeDB checkout: TimeDb.Api/TimeDb.Api.csproj not found here or above");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var arg in (string[])["watch", "--project", project, "run", "--", "--urls", url])
        {
            start.ArgumentList.Add(arg);
        }

        if (!string.IsNullOrWhiteSpace(dsn))
        {
            start.Environment[TimeDbApi.DsnSetting] = dsn;
        }

        await console.Out.WriteLineAsync($"TimeDB API on {url}, restarting on changes under {Path.GetDirectoryName(project)}");
        using var process = Process.Start(start) ?? throw new CliException("could not start dotnet watch");
        await process.WaitForExitAsync(ct);
        return process.ExitCode;
    }

    private static string? FindApiProject(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "TimeDb.Api", "TimeDb.Api.csproj");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
