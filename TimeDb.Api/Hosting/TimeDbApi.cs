using Serilog;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using TimeDb.Infrastructure;
using TimeDb.Infrastructure.Configuration;

namespace TimeDb.Api.Hosting;

/// <summary>The one host builder of the API, used by Program, by the tests and by <c>timedb api</c>.</summary>
public static class TimeDbApi
{
    /// <summary>Configuration key (also an environment variable) holding the connection string.</summary>
    public const string DsnSetting = ConnectionStringResolver.TimeDbDsn;

    /// <summary>Builds the application. Throws <see cref="ConnectionStringException"/> when no database is configured.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the assembly, wherever the process was started from.
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.AddTimeDbLogging();
        builder.Services
            .AddInfrastructure(ResolveConnection)
            .AddApi(builder.Configuration);
        builder.Services.AddHostedService<OpenAccessWarning>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseTimeDbPipeline();

        // Fail fast: a missing or malformed connection string stops the host before it listens.
        _ = app.Services.GetRequiredService<ResolvedConnection>();
        return app;
    }

    /// <summary>Runs the API until shutdown (blocking). Returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplication app;
        try
        {
            app = Build(args, configure);
        }
        catch (ConnectionStringException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }

        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException ex) when (ex.InnerException is not null || ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"error: cannot listen: {ex.Message}");
            return 1;
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>Starts the API in the background and returns a handle that stops it.</summary>
    public static async Task<RunningApi> StartAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var app = Build(args, configure);
        await app.StartAsync(cancellationToken);
        return new RunningApi(app);
    }

    private static ResolvedConnection ResolveConnection(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        return ConnectionStringResolver.Resolve(null, key => configuration[key], Environment.CurrentDirectory);
    }

    private static void AddTimeDbLogging(this WebApplicationBuilder builder)
    {
        var json = string.Equals(builder.Configuration["TimeDb:LogFormat"], "json", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddSerilog((services, logger) =>
        {
            // EF Core would log a failed command a second time (the request log already carries the exception).
            logger.MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Fatal);
            // ASP.NET's own per-request events carry the query string (series keys, tenant ids): the request
            // log above replaces them, whatever level Microsoft.AspNetCore is set to.
            logger.MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", Serilog.Events.LogEventLevel.Warning);
            // Sinks registered as services are added too (the test suite reads every event this way).
            logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext();
            // Last enricher: no value that came with a request can put a raw control character in the log.
            logger.Enrich.With<ControlCharacterEscaper>();
            // A request only queues its events; they reach the console in batches (BatchedConsoleSink).
            ITextFormatter formatter = json
                ? new Serilog.Formatting.Compact.RenderedCompactJsonFormatter()
                : new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                    System.Globalization.CultureInfo.InvariantCulture);
            logger.WriteTo.Sink(new BatchedConsoleSink(formatter), BatchedConsoleSink.Options);
        });
    }
}
