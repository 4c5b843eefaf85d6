namespace TimeDb.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => TimeDbCli.RunAsync(args, CliConsole.System);
}
