namespace TimeDb.Cli;

/// <summary>
/// The yes/no question before a destructive command. <c>-y</c> skips it; without a terminal the command
/// refuses rather than waiting for an answer that cannot come.
/// </summary>
internal static class Confirmation
{
    public static async Task RequireAsync(CliConsole console, string question, bool assumeYes, string action)
    {
        if (assumeYes)
        {
            return;
        }

        if (!console.IsInteractive)
        {
            throw new CliException($"refusing to {action} without confirmation: no terminal to ask; pass -y to confirm");
        }

        await console.Out.WriteAsync($"{question} [y/N] ");
        await console.Out.FlushAsync();
        var answer = (await console.In.ReadLineAsync())?.Trim();
        if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"aborted: did not {action}");
        }
    }
}
