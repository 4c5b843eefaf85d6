using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TimeDb.Domain.Entities;

namespace TimeDb.Infrastructure.Persistence.Configurations;

internal sealed class RunConfiguration : IEntityTypeConfiguration<Run>
{
    public void Configure(EntityTypeBuilder<Run> builder)
    {
        builder.ToTable(TableNames.Runs, t =>
            t.HasCheckConstraint("ck_runs_run_params_object", "run_params IS NULL OR jsonb_typeof(run_params) = 'object'"));
        builder.HasKey(r => r.RunId);
        builder.Property(r => r.RunId).HasDefaultValueSql("gen_random_uuid()");

        // (tenant_id, run_id) is what values reference, so a value can never point at another tenant's run.
        builder.HasAlternateKey(r => new { r.TenantId, r.RunId });
        builder.Property(r => r.WorkflowId).HasDefaultValue(Run.DefaultWorkflowId);
        builder.Property(r => r.KnownTime).HasDefaultValueSql("now()");
        builder.Property(r => r.InsertedAt).HasDefaultValueSql("clock_timestamp()");
        builder.Property(r => r.RunParams).HasColumnType("jsonb");

        builder.HasIndex(r => new { r.TenantId, r.WorkflowId, r.RunStartTime });
        builder.HasIndex(r => new { r.TenantId, r.RunStartTime });
    }
}
