using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
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

        // A value's tenant is always its run's and its series' tenant. Not by foreign keys, which check each row
        // of a COPY on its own (2.2x the time of a 1M-row upload): the triggers of migration ValuesSetWiseIntegrity
        // check every statement's rows in one query each (ADR-022).

        // One current version per (series, valid_time, valid_time_end, run); a point value's null end counts as
        // equal. Also the index of one-series reads and of the updater's lookup of a record.
        builder.HasIndex(v => new { v.TenantId, v.SeriesId, v.ValidTime, v.ValidTimeEnd, v.RunId })
            .HasDatabaseName("ix_values_one_current_version")
            .IsUnique()
            .AreNullsDistinct(false)
            .HasNullSortOrder(NullSortOrder.Unspecified, NullSortOrder.Unspecified, NullSortOrder.Unspecified, NullSortOrder.NullsFirst, NullSortOrder.Unspecified)
            .HasFilter("is_current");

        // Flat reads of many series: in this order DISTINCT ON keeps the first row of each record, the latest
        // knowledge (ties: the later run, run ids are time-ordered UUIDv7), without sorting anything.
        builder.HasIndex(v => new { v.TenantId, v.ValidTime, v.SeriesId, v.ValidTimeEnd, v.KnownTime, v.RunId })
            .HasDatabaseName("ix_values_current_by_valid_time")
            .IsDescending(false, false, false, false, true, true)
            .HasNullSortOrder(NullSortOrder.Unspecified, NullSortOrder.Unspecified, NullSortOrder.Unspecified, NullSortOrder.NullsFirst,
                NullSortOrder.Unspecified, NullSortOrder.Unspecified)
            .HasFilter("is_current");

        // Retired versions (all_versions reads): an upload writes only current versions, so this index costs it nothing.
        builder.HasIndex(v => new { v.TenantId, v.SeriesId, v.ValidTime })
            .HasDatabaseName("ix_values_history_by_series_valid_time")
            .HasFilter("NOT is_current");
    }
}
