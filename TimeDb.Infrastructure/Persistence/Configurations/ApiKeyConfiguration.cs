using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TimeDb.Domain.Entities;

namespace TimeDb.Infrastructure.Persistence.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable(TableNames.ApiKeys, t =>
        {
            t.HasCheckConstraint("ck_api_keys_key_hash_sha256", "octet_length(key_hash) = 32");
            t.HasCheckConstraint("ck_api_keys_name_not_blank", "btrim(name) <> ''");
            // Scopes are a non-empty subset of read, write, keys (SPEC §13); the database refuses anything else.
            t.HasCheckConstraint("ck_api_keys_scopes_known", "cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write', 'keys']::text[]");
        });
        builder.HasKey(k => k.KeyId);
        builder.Property(k => k.KeyId).HasDefaultValueSql("gen_random_uuid()");
        builder.Property(k => k.CreatedAt).HasDefaultValueSql("now()");
        // Keys that existed before scopes keep working as they did: every scope, no expiry.
        builder.Property(k => k.Scopes).HasColumnType("text[]").HasDefaultValueSql("ARRAY['read', 'write', 'keys']::text[]");
        builder.HasOne<User>().WithMany()
            .HasForeignKey(k => new { k.TenantId, k.UserId })
            .HasPrincipalKey(u => new { u.TenantId, u.UserId })
            .OnDelete(DeleteBehavior.Cascade);

        // Keys are looked up by hash on every authenticated request.
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.HasIndex(k => new { k.TenantId, k.UserId });
    }
}
