namespace TimeDb.Infrastructure.Runs;

/// <summary>How long an upload's <c>Idempotency-Key</c> is remembered (appsettings <c>TimeDb:Idempotency</c>).</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "TimeDb:Idempotency";

    public double RetentionHours { get; set; } = 24;

    public TimeSpan Retention => TimeSpan.FromHours(RetentionHours);
}
