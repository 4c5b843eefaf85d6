using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using FluentValidation.AspNetCore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using TimeDb.Api.Contracts;
using TimeDb.Api.Authentication;
using TimeDb.Api.Errors;
using TimeDb.Api.RateLimiting;
using TimeDb.Api.Health;
using TimeDb.Api.Hosting;
using TimeDb.Api.Json;
using TimeDb.Api.Limits;
using TimeDb.Api.OpenApi;
using TimeDb.Api.Tenancy;
using TimeDb.Api.Uploads;
using TimeDb.Api.Validation;
using TimeDb.Domain.Tenancy;

namespace TimeDb.Api;

public static class DependencyInjection
{
    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddTimeDbLimits(configuration);

        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentTenant, HttpCurrentTenant>();

        // Explicit application part: the entry assembly is timedb (CLI) or a test host, not always TimeDb.Api.
        services.AddControllers(o =>
            {
                o.ModelBinderProviders.Insert(0, new UtcDateTimeOffsetModelBinderProvider());
                // The filters of GET /values are validated as a whole by their FluentValidation validator; MVC's
                // walk over each filter (and each series_id) for attributes that none has was 4 % of a small read.
                o.ModelMetadataDetailsProviders.Add(new SuppressChildValidationMetadataProvider(typeof(ValuesQueryParameters)));
            })
            .AddApplicationPart(typeof(DependencyInjection).Assembly)
            .AddJsonOptions(o => ConfigureJson(o.JsonSerializerOptions))
            .ConfigureApiBehaviorOptions(o => o.InvalidModelStateResponseFactory = ValidationProblemFactory.Create);

        // Request shape is validated once, by FluentValidation, with snake_case names as the client sent them.
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name);
        services.AddFluentValidationAutoValidation();
        // Singletons: a validator holds no state, and building its rules (expression trees) per request was a
        // measurable part of a small read (issue 14).
        services.AddValidatorsFromAssemblyContaining<ValuesQueryValidator>(ServiceLifetime.Singleton, includeInternalTypes: true);

        services.AddTimeDbAuthentication(configuration);
        services.AddTimeDbRateLimiting(configuration);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            RequestLogging.AddCorrelationId(context);
            Problems.AddRetryAfter(context);
        });
        // Problem answers are written with the minimal-API JSON options: the same escaping as every other answer.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = JsonEncoding.Encoder);
        // ... also to a client whose Accept names only CSV or Arrow.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddTimeDbHealth();
        services.AddSingleton<EndpointOverview>();
        services.AddTimeDbOpenApi();
        services.AddUploadReaders();
        return services;
    }

    internal static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        // Text as it is (no \u003C for '<', no escapes for non-ASCII): see JsonEncoding.
        options.Encoder = JsonEncoding.Encoder;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // Numbers are numbers: "1.5" and "NaN" as strings are refused (the web defaults would accept them).
        options.NumberHandling = JsonNumberHandling.Strict;
        // A name given twice is ambiguous (which one wins?): refused, like the upload parser does (ADR-008).
        options.AllowDuplicateProperties = false;
        options.Converters.Add(new StorableStringConverter());
        options.Converters.Add(new FiniteDoubleConverter());
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.Converters.Add(new OptionalJsonConverterFactory());
        // Deeply nested junk is refused early.
        options.MaxDepth = 32;
    }
}
