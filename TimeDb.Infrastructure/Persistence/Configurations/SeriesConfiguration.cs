using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TimeDb.Domain.Entities;

namespace TimeDb.Infrastructure.Persistence.Configurations;

internal sealed class SeriesConfiguration : IEntityTypeConfiguration<Series>
{
    public void Configure(EntityTypeBuilder<Series> builder)
    {
        builder.ToTable(TableNames.Series, t =>
        {
            t.HasCheckConstraint("ck_series_series_key_not_blank", "btrim(series_key) <> ''");
            t.HasCheckConstraint("ck_series_series_unit_not_blank", "btrim(series_unit) <> ''");
        });
        builder.HasKey(s => s.SeriesId);
        builder.Property(s => s.SeriesId).HasDefaultValueSql("gen_random_uuid()");
        builder.HasAlternateKey(s => new { s.TenantId, s.SeriesId });
        builder.Property(s => s.SeriesUnit).HasDefaultValue(Series.DefaultUnit);
        builder.Property(s => s.CreatedAt).HasDefaultValueSql("now()");

        // One series per key and tenant: uploading the same value_key again reuses it.
        builder.HasIndex(s => new { s.TenantId, s.SeriesKey }).IsUnique();
    }
}
