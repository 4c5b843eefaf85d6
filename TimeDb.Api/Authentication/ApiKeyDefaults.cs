namespace TimeDb.Api.Authentication;

public static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";
    public const string HeaderName = "X-API-Key";
    public const string Challenge = "ApiKey header=X-API-Key";
    public const string MissingKey = "Missing API key";
    public const string InvalidKey = "Invalid API key";

    /// <summary>Policy: a key is needed when authentication is on (the default for every endpoint).</summary>
    public const string KeyWhenEnabledPolicy = "ApiKeyWhenEnabled";

    /// <summary>Policy: an admin key is needed when authentication is on.</summary>
    public const string AdminPolicy = "AdminWhenEnabled";

    public static class Claims
    {
        public const string TenantId = "tenant_id";
        public const string UserId = "user_id";
        public const string KeyId = "key_id";
        public const string Tier = "tier";
        public const string Admin = "is_admin";

        /// <summary>One claim per scope the key has (read, write, keys).</summary>
        public const string Scope = "scope";
    }
}
