using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TaskFlow.Api.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the app (no database is contacted).</summary>
public sealed class ApiDbContextFactory : IDesignTimeDbContextFactory<ApiDbContext>
{
    public ApiDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ApiDbContext>()
            .UseNpgsql("Host=localhost;Database=tasksdb")
            .UseSnakeCaseNamingConvention()
            .Options);
}
