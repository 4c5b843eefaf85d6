using System.CommandLine;

namespace TimeDb.Cli.Commands;

/// <summary>
/// <c>timedb health</c>: asks a running API whether it is healthy; exit 0 if it answers 2xx, else 1.
/// The container's HEALTHCHECK and scripts use it (the runtime image has no curl).
/// </summary>
internal static class HealthCommand
{
    public static Command Create(CliConsole console)
    {
        var url = new Option<string>("--url")
        {
            Description = "Health endpoint to ask",
            DefaultValueFactory = _ => "http://127.0.0.1:8080/health/live",
        };
        var timeout = CommonOptions.Integer("--timeout", "Seconds to wait for the answer", 3, min: 1, max: 300);

        var command = new Command("health", "Check a running TimeDB API (exit 0 when healthy)") { url, timeout };
        command.SetAction(async (parsed, ct) =>
        {
            var text = parsed.GetValue(url)!;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliException($"--url must be an absolute http(s) URL, not '{text}'");
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(parsed.GetValue(timeout)) };
            try
            {
                using var response = await http.GetAsync(target, ct);
                var status = (int)response.StatusCode;
                await console.Out.WriteLineAsync($"{target}: {status}");
                return response.IsSuccessStatusCode ? ExitCodes.Success : ExitCodes.Error;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await console.Error.WriteLineAsync($"error: {target} did not answer ({(ex is TaskCanceledException ? "timeout" : ex.Message)})");
                return ExitCodes.Error;
            }
        });
        return command;
    }
}
