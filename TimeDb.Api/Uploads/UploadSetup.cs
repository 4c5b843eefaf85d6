namespace TimeDb.Api.Uploads;

/// <summary>The upload pipeline and its body readers, one per media type.</summary>
internal static class UploadSetup
{
    public static IServiceCollection AddUploadReaders(this IServiceCollection services)
    {
        services.AddSingleton<IUploadBodyReader, JsonUploadReader>();
        services.AddSingleton<IUploadBodyReader, CsvUploadReader>();
        services.AddSingleton<IUploadBodyReader, ArrowUploadReader>();
        services.AddSingleton<UploadPipeline>();
        return services;
    }
}
