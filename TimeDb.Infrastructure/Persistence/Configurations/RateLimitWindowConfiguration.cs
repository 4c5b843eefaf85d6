using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TimeDb.Infrastructure.Persistence.Configurations;

internal sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<RateLimitWindow>
{
    public void Configure(EntityTypeBuilder<RateLimitWindow> builder)
    {
        // Unlogged: counters are worth no WAL, and a crash only forgets the current minute.
        builder.ToTable(TableNames.RateLimitWindows);
        builder.IsUnlogged();
        builder.HasKey(w => new { w.TenantId, w.UserId, w.WindowStart });
        builder.HasIndex(w => w.WindowStart);
    }
}
