using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TimeDb.Domain.Entities;

namespace TimeDb.Infrastructure.Persistence.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable(TableNames.Users, t =>
        {
            t.HasCheckConstraint("ck_users_email_not_blank", "btrim(email) <> ''");
            t.HasCheckConstraint("ck_users_tier", $"tier IN ({string.Join(", ", UserTiers.All.Select(x => $"'{x}'"))})");
        });
        builder.HasKey(u => u.UserId);
        builder.Property(u => u.UserId).HasDefaultValueSql("gen_random_uuid()");
        builder.HasAlternateKey(u => new { u.TenantId, u.UserId });
        builder.Property(u => u.IsActive).HasDefaultValue(true);
        builder.Property(u => u.Tier).HasDefaultValue(UserTiers.Default);
        builder.Property(u => u.IsAdmin).HasDefaultValue(false);
        builder.Property(u => u.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(u => u.UpdatedAt).HasDefaultValueSql("now()");
        builder.HasIndex(u => new { u.TenantId, u.Email }).IsUnique();
        builder.HasIndex(u => u.Email);
    }
}
