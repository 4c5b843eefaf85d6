using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TimeDb.Infrastructure.Persistence.Configurations;

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable(TableNames.IdempotencyKeys);
        // Keys are per tenant: two tenants may use the same key without seeing each other.
        builder.HasKey(r => new { r.TenantId, r.IdempotencyKey });
        builder.Property(r => r.IdempotencyKey).HasMaxLength(Domain.Runs.IdempotencyKey.MaxLength);
        builder.Property(r => r.SeriesIds).HasColumnType("jsonb");
        builder.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
        builder.HasIndex(r => r.CreatedAt);
    }
}
