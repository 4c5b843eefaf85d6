using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using TimeDb.Infrastructure.Configuration;

namespace TimeDb.Cli.Bench;

/// <summary>
/// The API under test: started by the benchmark as a child process (<c>timedb api</c> on a free
/// loopback port; the connection string goes through the environment, never the command line), or a
/// server somebody else runs at a given URL. Only a child's memory can be watched.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly Queue<string> _lastLines = new();

    private BenchServer(Uri baseAddress, Process? process)
    {
        BaseAddress = baseAddress;
        _process = process;
    }

    public Uri BaseAddress { get; }

    /// <summary>The server's process id when the benchmark started it, so its memory can be read.</summary>
    public int? ProcessId => _process?.Id;

    public static BenchServer External(Uri url) => new(url, process: null);

    /// <summary>
    /// Starts <c>timedb api</c> for the benchmark's one user. Its per-user share of heavy requests (4 at once by
    /// default, ADR-016) is raised to <paramref name="concurrency"/>: the benchmark measures how fast the server
    /// serves that many connections, not the fair-share policy, which would refuse the rest with 429.
    /// </summary>
    public static async Task<BenchServer> StartAsync(ResolvedConnection connection, int concurrency, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            // Started as `dotnet timedb.dll`: the child needs the same assembly.
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var arg in (string[])["api", "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[ConnectionStringResolver.TimeDbDsn] = connection.ConnectionString;
        start.Environment["TimeDb__Limits__MaxConcurrentHeavyRequestsPerUser"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new CliException("could not start the API server for the benchmark");
        var server = new BenchServer(new Uri($"http://127.0.0.1:{port}"), process);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilReadyAsync(cancellationToken);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process!.HasExited)
            {
                throw new CliException($"the API server exited ({_process.ExitCode}): {LastLines()}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Listening but slow to answer its first readiness probe (a cold start on a busy machine): ask again.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new CliException($"the API server did not become ready within 60 s: {LastLines()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 20)
            {
                _lastLines.Dequeue();
            }
        }
    }

    private string LastLines()
    {
        lock (_lastLines)
        {
            return _lastLines.Count == 0 ? "(no output)" : string.Join(" | ", _lastLines);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
