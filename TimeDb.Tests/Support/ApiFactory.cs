using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using TimeDb.Api.Hosting;

namespace TimeDb.Tests.Support;

/// <summary>The real API pipeline in memory, against a real database.</summary>
internal sealed class ApiFactory(string connectionString) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(TimeDbApi.DsnSetting, connectionString);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
    }
}
