using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Tenancy;
using TimeDb.Infrastructure.Users;

namespace TimeDb.Api.Controllers;

/// <summary>Your own API keys. The key itself is shown once, when it is created.</summary>
[ApiController]
[Route("keys")]
public sealed class KeysController(UserAdministration users, ICurrentTenant caller) : ControllerBase
{
    /// <summary>List your keys (name, prefix, dates; never the key).</summary>
    [HttpGet]
    [ProducesResponseType<IReadOnlyList<KeyResponse>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    public async Task<ActionResult<IReadOnlyList<KeyResponse>>> List(CancellationToken cancellationToken)
    {
        var keys = await users.ListKeysAsync(CallerId(), cancellationToken);
        return Ok(keys.Select(KeyResponse.From).ToList());
    }

    /// <summary>Create a key for yourself; the answer holds it this once.</summary>
    [HttpPost]
    [Consumes("application/json")]
    [ProducesResponseType<CreatedKeyResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    public async Task<ActionResult<CreatedKeyResponse>> Create([FromBody] CreateKeyRequest request, CancellationToken cancellationToken)
    {
        var created = await users.CreateKeyAsync(CallerId(), request.Name!, cancellationToken);
        var k = created.Key;
        return Created($"/keys/{k.KeyId}", new CreatedKeyResponse(k.KeyId, k.Name, k.Prefix, k.CreatedAt, created.Secret.Value,
            "Store this key now: it is not shown again."));
    }

    /// <summary>Revoke one of your keys, for good. Revoking it again changes nothing and says so (200, already_revoked).</summary>
    [HttpDelete("{keyId:guid}")]
    [ProducesResponseType<RevokedKeyResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    public async Task<ActionResult<RevokedKeyResponse>> Revoke(Guid keyId, CancellationToken cancellationToken) =>
        RevokedKeyResponse.From(await users.RevokeKeyAsync(keyId, CallerId(), cancellationToken));

    private Guid CallerId() => caller.UserId
        ?? throw new DomainException("API keys exist only when authentication is on: create the schema with `timedb create tables --with-users`");
}
