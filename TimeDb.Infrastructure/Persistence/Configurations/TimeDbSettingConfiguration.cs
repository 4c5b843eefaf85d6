using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TimeDb.Infrastructure.Persistence.Configurations;

internal sealed class TimeDbSettingConfiguration : IEntityTypeConfiguration<TimeDbSetting>
{
    public void Configure(EntityTypeBuilder<TimeDbSetting> builder)
    {
        builder.ToTable(TableNames.Settings);
        builder.HasKey(s => s.Name);

        // A schema made by `dotnet ef database update` has authentication on; `timedb create tables`
        // without --with-users switches it off afterwards.
        builder.HasData(new TimeDbSetting { Name = TimeDbSetting.Authentication, Value = TimeDbSetting.On });
    }
}
