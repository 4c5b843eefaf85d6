using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using TimeDb.Api.Hosting;

namespace TimeDb.Tests.Support;

/// <summary>The real API pipeline in memory, against a real database; <paramref name="settings"/> override appsettings.</summary>
internal sealed class ApiFactory(string connectionString, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(TimeDbApi.DsnSetting, connectionString);
        // Information: every request's event reaches SuiteLogSink, which is checked for secrets at the end of the run.
        builder.UseSetting("Serilog:MinimumLevel:Default", "Information");
        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(SuiteLogSink.Instance));
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }
}
