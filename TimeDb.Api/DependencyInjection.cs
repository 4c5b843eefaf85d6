using System.Text.Json;
using System.Text.Json.Serialization;
using TimeDb.Api.Errors;
using TimeDb.Api.OpenApi;

namespace TimeDb.Api;

public static class DependencyInjection
{
    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Explicit application part: the entry assembly is timedb (CLI) or a test host, not always TimeDb.Api.
        services.AddControllers()
            .AddApplicationPart(typeof(DependencyInjection).Assembly)
            .AddJsonOptions(o =>
            {
                o.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
                o.JsonSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            });
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddTimeDbOpenApi();
        return services;
    }
}
