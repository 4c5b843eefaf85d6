namespace TimeDb.Cli;

/// <summary>Where the CLI reads and writes; tests pass their own writers and say whether a terminal is present.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, TextReader In, bool IsInteractive)
{
    public static CliConsole System { get; } =
        new(Console.Out, Console.Error, Console.In, !Console.IsInputRedirected && !Console.IsOutputRedirected);
}
