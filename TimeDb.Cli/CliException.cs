namespace TimeDb.Cli;

/// <summary>A failure the CLI reports as one line, <c>error: …</c>, with exit code 1.</summary>
public sealed class CliException(string message) : Exception(message);
