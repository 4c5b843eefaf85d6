namespace TimeDb.Api.Hosting;

/// <summary>Request size limits (appsettings <c>TimeDb:Limits</c>).</summary>
public sealed class ApiLimits
{
    public const string Section = "TimeDb:Limits";

    /// <summary>Largest body of any request but uploads.</summary>
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest body of <c>POST /runs</c> and <c>POST /upload</c>.</summary>
    public long MaxUploadBodyBytes { get; set; } = 512L * 1024 * 1024;
}
