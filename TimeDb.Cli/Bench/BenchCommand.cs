using System.CommandLine;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Benchmarks;
using TimeDb.Infrastructure.Configuration;
using TimeDb.Infrastructure.Users;

namespace TimeDb.Cli.Bench;

/// <summary>
/// <c>timedb bench</c>: measures this installation like pgbench does, in a throwaway tenant it deletes
/// afterwards, in every wire format, beside PostgreSQL's physical ceilings measured in the same run (ADR-007, ADR-023).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var url = new Option<Uri?>("--url")
        {
            Description = "Benchmark a running API at this URL (http://host:port) instead of starting one",
            CustomParser = r => Uri.TryCreate(r.Tokens[0].Value, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                ? parsed
                : Fail(r, $"--url must be an http:// or https:// URL, not '{r.Tokens[0].Value}'"),
        };
        var key = new Option<string?>("--key") { Description = "With --url: bench in this key's tenant (otherwise a throwaway tenant is created through --dsn)" };
        var dsn = CommonOptions.Dsn();
        var rows = CommonOptions.Integer("--rows", "Rows to upload and read back", 1_000_000, min: 1);
        var series = CommonOptions.Integer("--series", "Series the rows are spread over", 10, min: 1, max: 10_000);
        var concurrency = CommonOptions.Integer("--concurrency", "Connections of the small-read load", 16, min: 1, max: 1_000);
        var duration = CommonOptions.Integer("--duration", "Seconds of small-read load (after 2 s of warm-up)", 10, min: 1);
        var updates = CommonOptions.Integer("--update-batches", "Batches of 1,000 versioned updates (0: none)", 5, min: 0);
        var repeat = CommonOptions.Integer("--repeat", "Runs of every measurement; the report gives the median", 3, min: 1, max: 100);
        var json = CommonOptions.Json();
        var command = new Command("bench",
            "Measure uploads and reads in JSON, CSV and Arrow, small reads and updates, against PostgreSQL's physical ceilings (psql \\copy, pgbench)")
        {
            url, key, dsn, rows, series, concurrency, duration, updates, repeat, json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(key) is not null && r.GetResult(url) is null)
            {
                r.AddError("--key needs --url (without --url the benchmark starts its own server and tenant)");
            }

            if (Parsed(r, rows) is { } rowCount && Parsed(r, series) is { } seriesCount && rowCount < seriesCount)
            {
                r.AddError("--rows must be at least --series");
            }
        });
        command.SetAction((parsed, ct) => RunAsync(console, new BenchSettings(
            parsed.GetValue(url), parsed.GetValue(key), parsed.GetValue(dsn), parsed.GetValue(rows), parsed.GetValue(series),
            parsed.GetValue(concurrency), TimeSpan.FromSeconds(parsed.GetValue(duration)), parsed.GetValue(updates), 1_000,
            parsed.GetValue(repeat), parsed.GetValue(json)), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, BenchSettings settings, CancellationToken cancellationToken)
    {
        var progress = new BenchProgress(console.Error);
        var connection = ResolveConnection(settings, progress);
        await using var services = connection is null ? null : CliServices.For(connection);
        var database = services?.Create<BenchmarkDatabase>();

        CreatedUser? tenant = null;
        if (settings.Key is null)
        {
            progress.Note("creating a throwaway tenant (unlimited tier)");
            tenant = await database!.CreateTenantAsync(cancellationToken);
        }

        BenchContext? context = null;
        try
        {
            await using var server = settings.Url is { } external
                ? BenchServer.External(external)
                : await StartServerAsync(connection!, settings.Concurrency, progress, cancellationToken);
            using var client = Client(server.BaseAddress, settings.Key ?? tenant!.Secret.Value, settings.Concurrency);
            context = new BenchContext(settings, client, server, database, tenant?.User.TenantId, tenant?.User.Email, progress);
            var tools = connection is null ? null : new PostgresTools(LibpqEnvironment.From(connection.ConnectionString));
            if (tools is { Psql: null })
            {
                progress.Note("psql is not on PATH: the COPY ceilings go through Npgsql's text COPY instead");
            }

            var results = await new BenchScenarios(context, tools).RunAsync(cancellationToken);
            var target = settings.Url is { } u ? u.ToString() : $"API started by the benchmark, {services!.Target}";
            await BenchReport.PrintAsync(console, settings, target, results);
            return ExitCodes.Success;
        }
        finally
        {
            await CleanUpAsync(database, tenant, context, progress);
        }
    }

    private static ResolvedConnection? ResolveConnection(BenchSettings settings, BenchProgress progress)
    {
        if (settings.Key is null || settings.Dsn is not null)
        {
            return ConnectionStringResolver.Resolve(settings.Dsn);
        }

        try
        {
            return ConnectionStringResolver.Resolve(null);
        }
        catch (ConnectionStringException)
        {
            progress.Note("no database configured: the PostgreSQL ceilings are skipped and the benchmark's runs stay in the key's tenant");
            return null;
        }
    }

    private static async Task<BenchServer> StartServerAsync(ResolvedConnection connection, int concurrency, BenchProgress progress,
        CancellationToken cancellationToken)
    {
        progress.Note($"starting the API server (timedb api on a free loopback port; one user's share of heavy requests: {concurrency} at once)");
        return await BenchServer.StartAsync(connection, concurrency, cancellationToken);
    }

    private static HttpClient Client(Uri baseAddress, string key, int connections)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(connections, 2), UseCookies = false };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(30) };
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        return client;
    }

    private static async Task CleanUpAsync(BenchmarkDatabase? database, CreatedUser? tenant, BenchContext? context, BenchProgress progress)
    {
        if (database is null)
        {
            if (context is { RunIds.Count: > 0 })
            {
                progress.Note($"left in the key's tenant (no database to delete them from): runs {string.Join(", ", context.RunIds)}");
            }

            return;
        }

        if (tenant is not null)
        {
            await database.PurgeTenantAsync(tenant.User.TenantId, CancellationToken.None);
            progress.Note($"deleted the throwaway tenant {tenant.User.TenantId}");
        }
        else if (context is { RunIds.Count: > 0 })
        {
            await database.DeleteRunsAsync(context.RunIds, context.SeriesIds.Values, CancellationToken.None);
            progress.Note("deleted the benchmark's runs and series");
        }
    }

    /// <summary>An option's value, or null when it did not parse (its own error is reported already).</summary>
    private static int? Parsed(System.CommandLine.Parsing.CommandResult result, Option<int> option)
    {
        try
        {
            return result.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static Uri? Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return null;
    }
}
