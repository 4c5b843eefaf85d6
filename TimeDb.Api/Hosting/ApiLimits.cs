namespace TimeDb.Api.Hosting;

/// <summary>Request size, row, time and concurrency limits (appsettings <c>TimeDb:Limits</c>); ADR-010 says why these values.</summary>
public sealed class ApiLimits
{
    public const string Section = "TimeDb:Limits";

    /// <summary>Largest body of any request but uploads.</summary>
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest body of <c>POST /runs</c> and <c>POST /upload</c>.</summary>
    public long MaxUploadBodyBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Most value rows in one upload, in any format (413 above; the rows are held, 32 bytes each, until they are stored: ADR-020).</summary>
    public long MaxUploadRows { get; set; } = 2_000_000;

    /// <summary>Most rows in one <c>GET /values</c> answer (422 above, saying how to narrow the read); 0 is no limit.</summary>
    public long MaxReadRows { get; set; } = 5_000_000;

    /// <summary>PostgreSQL statement_timeout of the API's queries (504 when it strikes before the answer starts).</summary>
    public int StatementTimeoutSeconds { get; set; } = 120;

    /// <summary>statement_timeout inside an upload's transaction.</summary>
    public int UploadStatementTimeoutSeconds { get; set; } = 1800;

    /// <summary>Time for a whole request but uploads (504 when it strikes before the answer starts).</summary>
    public int RequestTimeoutSeconds { get; set; } = 300;

    /// <summary>Time for a whole upload request.</summary>
    public int UploadRequestTimeoutSeconds { get; set; } = 1800;

    /// <summary>Reads, uploads and updates served at once by this instance; more wait in the queue below.</summary>
    public int MaxConcurrentHeavyRequests { get; set; } = 16;

    /// <summary>Heavy requests that may wait for one of the instance's slots; beyond it the answer is 503 with Retry-After.</summary>
    public int HeavyRequestQueue { get; set; } = 64;

    /// <summary>Reads, uploads and updates one user may have running at once (the user's fair share; authenticated mode only).</summary>
    public int MaxConcurrentHeavyRequestsPerUser { get; set; } = 4;

    /// <summary>A user's heavy requests that may wait for one of the user's slots; beyond it the answer is 429 with Retry-After.</summary>
    public int HeavyRequestQueuePerUser { get; set; } = 8;

    /// <summary>Slowest average rate (bytes per second) at which any request body may arrive after the grace period; slower → the request is cut.</summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 64 * 1024;

    /// <summary>Seconds a request body may arrive at any rate before the minimum applies (Kestrel needs more than 1).</summary>
    public double MinRequestBodyGraceSeconds { get; set; } = 10;

    // Request line and headers. Kestrel's own limits are set well above the API's, so an oversized query
    // string or header block reaches HttpInputGuard and is answered with a problem body instead of
    // Kestrel's empty 414/431 (ADR-008). Beyond Kestrel's limits the connection is refused by Kestrel itself.

    /// <summary>Longest query string (after the <c>?</c>, as sent) the API reads; longer → 414.</summary>
    public int MaxQueryStringBytes { get; set; } = 16 * 1024;

    /// <summary>Largest total of header names and values the API reads; larger → 431.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>Kestrel's hard limit on the request line; beyond it Kestrel answers 414 with an empty body.</summary>
    public int KestrelMaxRequestLineBytes { get; set; } = 256 * 1024;

    /// <summary>Kestrel's hard limit on all headers; beyond it Kestrel answers 431 with an empty body.</summary>
    public int KestrelMaxRequestHeadersBytes { get; set; } = 256 * 1024;
}
