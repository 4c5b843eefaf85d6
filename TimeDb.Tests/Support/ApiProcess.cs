using System.Diagnostics;
using System.Net;

namespace TimeDb.Tests.Support;

/// <summary>
/// The API as a user runs it: <c>timedb api</c> in a process of its own on a free loopback port, its
/// output kept. It can be killed (SIGKILL) and its memory read, which an in-memory test host cannot.
/// </summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private bool _disposed;

    private ApiProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the server wrote to stdout and stderr so far.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>Starts the API on <paramref name="port"/> (a free one when null) and waits until /health/ready answers.</summary>
    public static Task<ApiProcess> StartAsync(string connectionString, IDictionary<string, string?>? settings = null, int? port = null)
    {
        var chosen = port ?? FreePort.Next();
        var environment = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["TIMEDB_DSN"] = connectionString };
        return StartCommandAsync("dotnet", [RepositoryPaths.Assembly("timedb.dll"), "api", "--host", "127.0.0.1", "--port", chosen.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            environment, chosen);
    }

    /// <summary>Starts an API by the given command line, listening on <paramref name="port"/>, and waits until /health/ready answers.</summary>
    public static async Task<ApiProcess> StartCommandAsync(string fileName, IEnumerable<string> args, IDictionary<string, string?> environment, int port)
    {
        var info = ProcessRunner.StartInfo(fileName, args, environment, null);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var api = new ApiProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => api.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => api.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await api.WaitUntilReadyAsync();
        return api;
    }

    public HttpClient CreateClient(string? apiKey = null, TimeSpan? timeout = null) => CreateClient(BaseAddress, apiKey, timeout ?? TimeSpan.FromSeconds(100));

    /// <summary>A client of an API at <paramref name="address"/>, sending <paramref name="apiKey"/> when given.</summary>
    public static HttpClient CreateClient(Uri address, string? apiKey, TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = timeout };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        return client;
    }

    /// <summary>Resident memory of the server process in bytes (Linux /proc).</summary>
    public long ResidentBytes() => StatusBytes("VmRSS:");

    /// <summary>The most resident memory the process had since it started or since <see cref="ResetPeakResident"/> (Linux VmHWM).</summary>
    public long PeakResidentBytes() => StatusBytes("VmHWM:");

    /// <summary>Starts the peak (<see cref="PeakResidentBytes"/>) afresh from the current resident memory (Linux clear_refs).</summary>
    public void ResetPeakResident() => File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");

    private long StatusBytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kb = long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }

        throw new InvalidOperationException($"{field} not found");
    }

    /// <summary>SIGKILL: no shutdown, no flush, no rollback from the server's side.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd, Docker or Ctrl-C stop it: waits for the graceful shutdown and returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            var kill = await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (kill.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -TERM {_process.Id} failed: {kill.Error}");
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await KillAsync();
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"timedb api exited ({_process.ExitCode}): {string.Join(Environment.NewLine, Output)}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but slow to answer the first request (a busy machine, a cold start): ask again.
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"timedb api not ready within 60 s: {string.Join(Environment.NewLine, Output)}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }
}
