using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TimeDb.Domain.Entities;

namespace TimeDb.Infrastructure.Persistence.Configurations;

internal sealed class ValueVersionConfiguration : IEntityTypeConfiguration<ValueVersion>
{
    public void Configure(EntityTypeBuilder<ValueVersion> builder)
    {
        builder.ToTable(TableNames.Values, t =>
        {
            t.HasCheckConstraint("ck_values_valid_time_end_after_valid_time", "valid_time_end IS NULL OR valid_time_end > valid_time");
            t.HasCheckConstraint("ck_values_annotation_not_blank", "annotation IS NULL OR btrim(annotation) <> ''");
            t.HasCheckConstraint("ck_values_tags_not_empty", "tags IS NULL OR cardinality(tags) > 0");
        });
        builder.HasKey(v => v.ValueId);
        builder.Property(v => v.ValueId).UseIdentityAlwaysColumn();
        builder.Property(v => v.ChangeTime).HasDefaultValueSql("now()");
        builder.Property(v => v.IsCurrent).HasDefaultValue(true);

        // Composite foreign keys: a value's tenant is always its run's and its series' tenant.
        builder.HasOne<Run>().WithMany()
            .HasForeignKey(v => new { v.TenantId, v.RunId })
            .HasPrincipalKey(r => new { r.TenantId, r.RunId })
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Series>().WithMany()
            .HasForeignKey(v => new { v.TenantId, v.SeriesId })
            .HasPrincipalKey(s => new { s.TenantId, s.SeriesId })
            .OnDelete(DeleteBehavior.Restrict);

        // One current version per (run, series, valid_time, valid_time_end); a point value's null end counts as equal.
        builder.HasIndex(v => new { v.TenantId, v.RunId, v.SeriesId, v.ValidTime, v.ValidTimeEnd })
            .HasDatabaseName("ix_values_one_current_version")
            .IsUnique()
            .AreNullsDistinct(false)
            .HasFilter("is_current");

        // Flat and overlapping reads: by series and valid time, newest knowledge first.
        builder.HasIndex(v => new { v.TenantId, v.SeriesId, v.ValidTime, v.KnownTime })
            .HasDatabaseName("ix_values_current_by_series_valid_time")
            .IsDescending(false, false, false, true)
            .HasFilter("is_current");

        // Version history of a record (all_versions reads and versioned updates).
        builder.HasIndex(v => new { v.TenantId, v.RunId, v.SeriesId, v.ValidTime })
            .HasDatabaseName("ix_values_run_series_valid_time");
    }
}
