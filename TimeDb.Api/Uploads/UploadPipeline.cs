using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TimeDb.Api.Hosting;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Runs;

namespace TimeDb.Api.Uploads;

/// <summary>What an upload's body said: the run to store, or the errors that refuse it (a 400).</summary>
public sealed record UploadRead(RunFields Fields, UploadRows Rows, byte[]? RequestHash)
{
    public bool Refused => Rows.Problems.Any;

    /// <summary>The run as uploaded; its tenant_id is a request the tenant context decides on (TenantScope.TenantForWrite).</summary>
    public NewRun ToNewRun(string? changedBy) => new(
        Fields.TenantId, Fields.WorkflowId ?? Run.DefaultWorkflowId, Fields.RunStartTime!.Value, Fields.RunFinishTime, Fields.KnownTime,
        Fields.RunParamsJson, Fields.SeriesDescriptions ?? new Dictionary<string, string>(), Fields.SeriesUnits ?? new Dictionary<string, string>(),
        Rows, changedBy);
}

/// <summary>
/// The one way an upload body is read, whatever its format (ADR-020): the reader is chosen by Content-Type, the body
/// flows through the idempotency hash into the reader, the reader hands rows to one <see cref="UploadRows"/> (one
/// validator, one compact buffer), and the rules every format shares are checked here once.
/// </summary>
public sealed class UploadPipeline(IEnumerable<IUploadBodyReader> readers, IOptions<ApiLimits> limits)
{
    private readonly IUploadBodyReader[] _readers = [.. readers];

    /// <summary>The media types uploads take, for messages and the OpenAPI document.</summary>
    public IEnumerable<string> MediaTypes => _readers.Select(r => r.MediaType);

    /// <summary>The reader of a Content-Type, or null (415): one of the readers' media types, in UTF-8 if a charset is given.</summary>
    public IUploadBodyReader? ReaderFor(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || (mediaType.Charset.Length > 0 && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return _readers.FirstOrDefault(r => mediaType.MediaType.Equals(r.MediaType, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads the body of <paramref name="request"/>; with <paramref name="hash"/> also the SHA-256 that identifies it for Idempotency-Key.</summary>
    public async Task<UploadRead> ReadAsync(HttpRequest request, bool hash, CancellationToken cancellationToken)
    {
        var reader = ReaderFor(request.ContentType)
            ?? throw new InvalidOperationException("The upload's media type is checked before the body is read (UploadMediaTypeAttribute).");
        var rows = new UploadRows(limits.Value.MaxUploadRows, reader.Locate);
        if (request.ContentLength == 0)
        {
            rows.Problems.Add("body", "A non-empty request body is required.");
            return new UploadRead(RunFields.None, rows, null);
        }

        using var sha = hash ? SHA256.Create() : null;
        if (sha is not null && reader.QueryParameters.Count > 0)
        {
            // A CSV or Arrow body says nothing of the run: a retry with other run fields is another request.
            var prefix = RequestPrefix(reader, request.Query);
            sha.TransformBlock(prefix, 0, prefix.Length, null, 0);
        }

        RunFields? fields;
        await using (var body = sha is null ? null : new CryptoStream(request.Body, sha, CryptoStreamMode.Read, leaveOpen: true))
        {
            fields = await reader.ReadAsync(body ?? request.Body, request.Query, rows, cancellationToken);
            if (body is not null && !rows.Problems.Any)
            {
                // The hash covers the body to its end (CryptoStream finishes it there), whatever the reader left unread.
                await body.CopyToAsync(Stream.Null, cancellationToken);
            }
        }

        rows.Complete();
        if (fields is not null)
        {
            CheckRunFields(fields, rows.Problems);
        }

        return new UploadRead(fields ?? RunFields.None, rows, rows.Problems.Any ? null : sha?.Hash);
    }

    /// <summary>The rules of the run's fields, the same for every format.</summary>
    private static void CheckRunFields(RunFields fields, UploadProblems problems)
    {
        if (fields.RunStartTime is null && !problems.Has("run_start_time"))
        {
            problems.Add("run_start_time", "run_start_time is required");
        }

        if (fields.WorkflowId is { } workflowId && UploadRules.CheckWorkflowId(workflowId) is { } workflowProblem)
        {
            problems.Add("workflow_id", workflowProblem);
        }
    }

    private static byte[] RequestPrefix(IUploadBodyReader reader, IQueryCollection query)
    {
        var text = new StringBuilder(reader.MediaType).Append('\n');
        foreach (var name in reader.QueryParameters)
        {
            // Length-prefixed, so no value can imitate another field.
            var value = query.TryGetValue(name, out var values) ? string.Join('\u001f', values.ToArray()) : null;
            text.Append(name).Append('=').Append(value is null ? "-" : $"{value.Length}:{value}").Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.Append('\n').ToString());
    }
}
