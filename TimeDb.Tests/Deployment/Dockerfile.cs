using System.Text.Json;
using System.Text.RegularExpressions;

namespace TimeDb.Tests.Deployment;

/// <summary>The final stage of deploy/Dockerfile, read as Docker reads it (ENV, USER, ENTRYPOINT, HEALTHCHECK CMD).</summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<string> stages, IReadOnlyDictionary<string, string> environment, string? user, string[] entrypoint, string[] healthcheck)
    {
        Stages = stages;
        Environment = environment;
        User = user;
        Entrypoint = entrypoint;
        Healthcheck = healthcheck;
    }

    /// <summary>The FROM lines.</summary>
    public IReadOnlyList<string> Stages { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public string? User { get; }

    public string[] Entrypoint { get; }

    public string[] Healthcheck { get; }

    public static Dockerfile Read(string path)
    {
        // Continuation lines joined, comments dropped: one instruction per line.
        var text = string.Join('\n', File.ReadAllLines(path).Where(l => !l.TrimStart().StartsWith('#')));
        var instructions = text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var stages = instructions.Where(i => i.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        var final = instructions.Skip(instructions.FindLastIndex(i => i.StartsWith("FROM ", StringComparison.Ordinal))).ToList();

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in final.Where(i => i.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            foreach (Match pair in EnvPair().Matches(env[4..]))
            {
                environment[pair.Groups[1].Value] = pair.Groups[2].Value;
            }
        }

        var user = final.LastOrDefault(i => i.StartsWith("USER ", StringComparison.Ordinal))?[5..].Trim();
        var entrypoint = JsonArray(final.Single(i => i.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))["ENTRYPOINT ".Length..]);
        var healthcheck = final.Single(i => i.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        var command = JsonArray(healthcheck[(healthcheck.IndexOf(" CMD ", StringComparison.Ordinal) + 5)..]);
        return new Dockerfile(stages, environment, user, entrypoint, command);
    }

    /// <summary>The arguments of the <c>timedb</c> command that a comment of the Dockerfile tells the reader to run, e.g. "create tables".</summary>
    public static string[] CommentedTimeDbCommand(string path, string command)
    {
        const string Program = "/app/timedb.dll ";
        var line = File.ReadAllLines(path).Single(l => l.TrimStart().StartsWith('#') && l.Contains(Program + command, StringComparison.Ordinal));
        return line[(line.IndexOf(Program, StringComparison.Ordinal) + Program.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string[] JsonArray(string exec) => JsonSerializer.Deserialize<string[]>(exec.Trim()) ?? [];

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")]
    private static partial Regex EnvPair();
}
