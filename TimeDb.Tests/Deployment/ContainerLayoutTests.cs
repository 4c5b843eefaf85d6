using System.Globalization;
using System.Text.Json;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Deployment;

/// <summary>
/// No Docker engine here, so the image is never built; what can be checked is checked: the Dockerfile's
/// final stage (non-root user, entry point, environment, health check) run against the published
/// output the way the container would run it, as an unprivileged user when the tests run as root.
/// </summary>
public sealed class ContainerLayoutTests
{
    private static readonly Dockerfile Image = Dockerfile.Read(RepositoryPaths.Script("deploy/Dockerfile"));

    [Test]
    public void Dockerfile_IsMultiStage_AndRunsAsTheImagesNonRootUser()
    {
        Assert.That(Image.Stages, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(Image.Stages[0], Does.StartWith("FROM mcr.microsoft.com/dotnet/sdk:10.0"));
        Assert.That(Image.Stages[^1], Does.StartWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0"));
        Assert.That(Image.User, Is.EqualTo("$APP_UID"), "the aspnet images' non-root user");
        Assert.That(Image.Entrypoint, Is.EqualTo(new[] { "dotnet", "/app/TimeDb.Api.dll" }));
        Assert.That(Image.Environment["TimeDb__LogFormat"], Is.EqualTo("json"));
        Assert.That(File.ReadAllText(RepositoryPaths.Script(".dockerignore")), Does.Contain("**/bin/").And.Contain(".env"));
    }

    [Test]
    public async Task CommentedCreateTablesCommand_CreatesTheSchemaWithAuthenticationOn()
    {
        var args = Dockerfile.CommentedTimeDbCommand(RepositoryPaths.Script("deploy/Dockerfile"), "create tables");
        await using var db = await TemporaryDatabase.CreateAsync();

        var result = await CliRunner.RunAsync([.. args, "--dsn", db.ConnectionString]);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out, Does.Contain("Authentication: on"), string.Join(' ', args));
    }

    [Test]
    public async Task EntryPointAndHealthCheck_RunThePublishedOutputAsTheContainerWould()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        var created = await CliRunner.RunAsync(["create", "tables", "--with-users", "--dsn", db.ConnectionString, "-y"]);
        Assert.That(created.ExitCode, Is.Zero, created.Error);

        // /app is a copy of the build output that every user may read, as the image's /app is (the checkout
        // itself may sit below a directory only its owner can enter, e.g. one made by mktemp -d); the port is
        // a free one instead of 8080.
        var app = ReadableCopyOfBuildOutput();
        var port = FreePort.Next();
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var environment = Image.Environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["ASPNETCORE_HTTP_PORTS"] = portText;
        environment["TIMEDB_DSN"] = db.ConnectionString;
        string[] App(string[] command) => [.. command.Select(a => a.Replace("/app/", app.FullName + "/", StringComparison.Ordinal).Replace(":8080", ":" + portText, StringComparison.Ordinal))];
        var (file, args) = AsUnprivileged(App(Image.Entrypoint), environment);

        await using var api = await ApiProcess.StartCommandAsync(file, args, environment, port);
        var (checkFile, checkArgs) = AsUnprivileged(App(Image.Healthcheck), environment);
        var healthy = await ProcessRunner.RunAsync(checkFile, checkArgs, environment);
        Assert.That(healthy.ExitCode, Is.Zero, healthy.Out + healthy.Error);

        // JSON logs on stdout, one event per line.
        var logged = api.Output.First(l => l.TrimStart().StartsWith('{'));
        using (var json = JsonDocument.Parse(logged))
        {
            Assert.That(json.RootElement.ValueKind, Is.EqualTo(JsonValueKind.Object));
        }

        await api.KillAsync();
        var unhealthy = await ProcessRunner.RunAsync(checkFile, checkArgs, environment);
        Assert.That(unhealthy.ExitCode, Is.EqualTo(1), unhealthy.Out + unhealthy.Error);
        app.Delete(recursive: true);
    }

    /// <summary>The test's build output copied to a new directory under the system's temp folder, readable by every user.</summary>
    private static DirectoryInfo ReadableCopyOfBuildOutput()
    {
        var target = Directory.CreateTempSubdirectory("timedb-app-");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var source = AppContext.BaseDirectory.TrimEnd('/');
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target.FullName, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }

    /// <summary>
    /// As root, the command runs as <c>nobody</c> (the image's user is not root either), and like in a
    /// container it sees only the environment it is given.
    /// </summary>
    private static (string File, string[] Args) AsUnprivileged(string[] command, Dictionary<string, string?> environment)
    {
        if (Environment.UserName != "root")
        {
            return (command[0], command[1..]);
        }

        string[] clean = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/tmp", .. environment.Select(e => $"{e.Key}={e.Value}")];
        return ("runuser", ["-u", "nobody", "--", "env", "-i", .. clean, .. command]);
    }
}
